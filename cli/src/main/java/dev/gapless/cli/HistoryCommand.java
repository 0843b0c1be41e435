package dev.gapless.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gapless.core.Artifact;
import dev.gapless.core.VersionSummary;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.internal.Json;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gapless history}: the versions of a chat's code artifact. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print the versions of a chat's code artifact: number, summary, file count, idempotency key"
                + " (the tool call id), time.")
final class HistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storage;

    @Mixin
    VerboseOption verbosity;

    @Option(names = "--chat", required = true, paramLabel = "ID", description = "The chat.")
    String chat;

    @Option(names = "--json", description = "One JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        storage.validate(spec.commandLine());
        StoreOptions.requireChat(spec.commandLine(), chat);
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try (StoreOptions.Storage open = storage.open(err, 2)) {
            Optional<Artifact> artifact = open.store().find(chat, ToolExecutor.ARTIFACT_TYPE);
            List<VersionSummary> versions = artifact.map(a -> open.store().history(a.id())).orElse(List.of());
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                for (VersionSummary v : versions) {
                    array.addObject().put("version", v.number()).put("summary", v.summary())
                            .put("files", v.fileCount()).put("idempotency_key", v.idempotencyKey())
                            .put("created_at", String.valueOf(v.createdAt()));
                }
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            } else if (artifact.isEmpty()) {
                out.println("chat '" + chat + "' has no code artifact yet");
            } else {
                out.printf("%-8s  %-40s  %5s  %-32s  %s%n", "version", "summary", "files", "idempotency key", "time");
                for (VersionSummary v : versions) {
                    out.printf("%-8d  %-40s  %5d  %-32s  %s%n", v.number(), clip(v.summary(), 40), v.fileCount(),
                            clip(String.valueOf(v.idempotencyKey()), 32), v.createdAt());
                }
            }
            out.flush();
        }
        return 0;
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
