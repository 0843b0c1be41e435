package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.AppendResult;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.executor.ToolCall;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whole-file writes ({@code add_code_file}, {@code add_code_files}), each file based on the version its writer saw:
 * {@code base_version} when the call gives it, else what the response was made from ({@link Turn}). A file that
 * changed since its base is merged by the store. Stateless.
 */
final class WholeFiles {

    private WholeFiles() {
    }

    /**
     * Writes the files as one version and records what the writer has now seen of them.
     *
     * @param batch whether the change is a batch even of one file ({@code add_code_files}), so that a replay of a call
     *              made before keeps its digest
     * @return the payload of the write
     */
    static ObjectNode write(ChatTools chat, ToolCall call, Iterable<JsonNode> files, boolean batch, Duration timeLeft,
            Turn turn) {
        List<Change> puts = new ArrayList<>();
        Map<String, Integer> bases = new LinkedHashMap<>();
        for (JsonNode file : files) {
            String name = file.path("filename").asText();
            JsonNode stated = file.path("base_version");
            if (file.has("base_version") && !stated.canConvertToInt()) {
                throw new Refused("invalid arguments for " + call.name() + ": base_version is " + stated
                        + ", past any version; give the version the content is based on; nothing was written.");
            }
            int base = file.has("base_version") ? stated.intValue() : turn.baseFor(name);
            puts.add(Change.put(file(file), base));
            bases.put(name, base);
        }
        AppendResult r = chat.append(call, batch ? Change.batch(puts) : puts.get(0), timeLeft);
        if (!r.deduplicated()) {
            Set<String> merged = new HashSet<>();
            r.merges().forEach(m -> merged.add(m.filename()));
            Set<String> added = new HashSet<>(List.of(r.summary().split("; ")));
            Map<String, Turn.OwnView> views = new HashMap<>();
            bases.forEach((name, base) -> {
                String stored = Normalizer.normalize(name, Normalizer.Form.NFC); // as stored
                views.put(name, turn.afterOwnWrite(base, r.version(), !r.unchanged()
                        && added.contains("Added " + stored), merged.contains(stored)));
            });
            chat.ownWrites(turn, views);
        }
        return WriteReport.payload(r);
    }

    private static CodeFile file(JsonNode node) {
        return new CodeFile(node.path("filename").asText(), node.path("language").asText(""),
                node.path("content").asText(), node.path("description").asText(""));
    }
}
