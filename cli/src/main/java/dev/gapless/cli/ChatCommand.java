package dev.gapless.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.GaplessException;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.json.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the commands on one chat's code artifact share: the store options, {@code --chat}, {@code --json}, opening
 * the store, finding the artifact, and turning a store failure into one line on standard error (exit 1).
 */
abstract class ChatCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storage;

    @Mixin
    VerboseOption verbosity;

    @Option(names = "--chat", required = true, paramLabel = "ID", description = "The chat.")
    String chat;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    /** Runs the command on the open store. */
    abstract void run(ArtifactStore store, PrintWriter out) throws Exception;

    /** Checks the options before the store is opened; throws a usage error. */
    void validate() {
    }

    @Override
    public final Integer call() throws Exception {
        storage.validate(spec.commandLine());
        StoreOptions.requireChat(spec.commandLine(), chat);
        validate();
        PrintWriter out = spec.commandLine().getOut();
        try (StoreOptions.Storage open = storage.open(spec.commandLine().getErr(), 2)) {
            run(open.store(), out);
        } catch (GaplessException | IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } finally {
            out.flush();
        }
        return 0;
    }

    /** The chat's code artifact, or a failure saying it has none. */
    Artifact artifact(ArtifactStore store) {
        return store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow(() -> new CommandFailedException(
                "chat '" + chat + "' has no code artifact", null));
    }

    /** Prints a JSON document, indented. */
    static void print(PrintWriter out, JsonNode node) throws Exception {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /** A usage error of this command. */
    picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
