package dev.gapless.executor.testing;

import dev.gapless.core.ArtifactStore;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.format.Format;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * For the adapters' end-to-end tests (shipped in this module's test jar): the recorded model responses under
 * {@code responses/}, and what a chat's artifact holds.
 */
public final class Recorded {

    private Recorded() {
    }

    /**
     * @param name a file under {@code responses/}, e.g. {@code openai-four-files.json}
     * @return its text
     */
    public static String response(String name) {
        try (InputStream in = Recorded.class.getResourceAsStream("/responses/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded response " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a recorded OpenAI Chat Completions response
     * @return its tool calls
     */
    public static List<ToolCall> openAiCalls(String name) {
        return Format.named("openai").parse(Format.read(response(name)));
    }

    /** @return how many versions the chat's code artifact has (0 without one) */
    public static int versions(ArtifactStore store, String chat) {
        return store.find(chat, ToolExecutor.ARTIFACT_TYPE).map(a -> store.history(a.id()).size()).orElse(0);
    }

    /** @return the files of the latest version of the chat's code artifact (none without one) */
    public static List<String> files(ArtifactStore store, String chat) {
        return store.find(chat, ToolExecutor.ARTIFACT_TYPE).flatMap(a -> store.latest(a.id()))
                .map(v -> v.snapshot().filenames()).orElse(List.of());
    }
}
