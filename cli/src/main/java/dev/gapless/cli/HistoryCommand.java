package dev.gapless.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.HistoryPage;
import dev.gapless.core.HistoryQuery;
import dev.gapless.core.VersionSummary;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.json.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless history}: the versions of a chat's code artifact. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print the versions of a chat's code artifact: number, summary, file count, idempotency key"
                + " (the tool call id), time. Every version, oldest first (--json: one array); with --limit,"
                + " --before or --file, one page, newest first, and the --before of the next page (--json: an object"
                + " with versions and next_before).")
final class HistoryCommand extends ChatCommand {

    @Option(names = "--limit", paramLabel = "K", description = "At most K versions, newest first (1 to 1000).")
    Integer limit;

    @Option(names = "--before", paramLabel = "N", description = "Only versions older than N (a page's next).")
    Integer before;

    @Option(names = "--file", paramLabel = "PATH", description = "Only the versions that changed this file.")
    String file;

    private HistoryQuery query;

    @Override
    void validate() {
        if (limit != null || before != null || file != null) {
            try {
                query = new HistoryQuery(limit == null ? HistoryQuery.MAX_LIMIT : limit, before, file);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
    }

    @Override
    void run(ArtifactStore store, PrintWriter out) throws Exception {
        Optional<Artifact> artifact = store.find(chat, ToolExecutor.ARTIFACT_TYPE);
        HistoryPage page = artifact.map(a -> query == null ? new HistoryPage(store.history(a.id()), null)
                : store.lifecycle().history(a.id(), query)).orElse(new HistoryPage(List.of(), null));
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (VersionSummary v : page.versions()) {
                array.addObject().put("version", v.number()).put("summary", v.summary())
                        .put("files", v.fileCount()).put("idempotency_key", v.idempotencyKey())
                        .put("created_at", String.valueOf(v.createdAt()));
            }
            JsonNode document = array;
            if (query != null) {
                ObjectNode paged = Json.MAPPER.createObjectNode();
                paged.set("versions", array);
                paged.put("next_before", page.nextBefore());
                document = paged;
            }
            print(out, document);
        } else if (artifact.isEmpty()) {
            out.println("chat '" + chat + "' has no code artifact yet");
        } else {
            out.printf("%-8s  %-40s  %5s  %-32s  %s%n", "version", "summary", "files", "idempotency key", "time");
            for (VersionSummary v : page.versions()) {
                out.printf("%-8d  %-40s  %5d  %-32s  %s%n", v.number(), clip(v.summary(), 40), v.fileCount(),
                        clip(String.valueOf(v.idempotencyKey()), 32), v.createdAt());
            }
            if (page.nextBefore() != null) {
                out.println("more: --before " + page.nextBefore());
            }
        }
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
