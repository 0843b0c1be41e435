package dev.gapless.executor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.HistoryPage;
import dev.gapless.core.HistoryQuery;
import dev.gapless.core.RevertResult;
import dev.gapless.core.VersionDiff;
import dev.gapless.core.VersionSummary;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.json.Json;
import dev.gapless.text.FileDiff;
import dev.gapless.text.UnifiedDiff;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The tools for an artifact's past: {@code get_code_diff} (what changed between two versions, as git's unified
 * diff), {@code revert_to_version} (a new version with an older version's files: "undo that") and
 * {@code get_artifact_history} (paged, newest first, optionally one file's). A failure of the store propagates as
 * {@link dev.gapless.core.GaplessException} for {@link ToolHandlers} to word. Thread-safe.
 */
final class LifecycleTools {

    /** The tools this class runs. */
    static final Set<String> NAMES = Set.of("get_code_diff", "revert_to_version", "get_artifact_history");

    /** The most characters of unified diff one answer carries; the rest is cut, and the answer says so. */
    static final int MAX_DIFF_CHARACTERS = 100_000;
    /** The history page when the call does not give a limit. */
    static final int DEFAULT_HISTORY_LIMIT = 50;

    private final ArtifactStore store;
    private final Supplier<UUID> artifact;

    LifecycleTools(ArtifactStore store, Supplier<UUID> artifact) {
        this.store = store;
        this.artifact = artifact;
    }

    /**
     * Runs a validated call of one of {@link #NAMES}; returns the answer's payload. A diff without versions shows the
     * latest version as the response found it ({@code turn}), so that a revert in the same response does not change
     * what it shows.
     */
    ObjectNode handle(ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        return switch (call.name()) {
            case "get_code_diff" -> diff(args, turn);
            case "revert_to_version" -> revert(call, args, timeLeft);
            default -> history(args);
        };
    }

    private ObjectNode diff(JsonNode args, Turn turn) {
        UUID id = artifact.get();
        int head = head(id);
        if (head == 0) {
            throw new EditTools.Refused("the artifact has no version yet: there is nothing to diff.");
        }
        int arrived = turn == null ? head : Math.min(head, turn.headAtArrival().orElse(head));
        int to = args.has("to_version") ? args.path("to_version").asInt() : Math.max(1, arrived);
        int from = args.has("from_version") ? args.path("from_version").asInt() : Math.max(0, to - 1);
        for (int v : new int[] {to, from}) {
            if (v > head) {
                throw new EditTools.Refused("version " + v + " does not exist: the latest version is " + head
                        + ".");
            }
        }
        VersionDiff diff = store.lifecycle().diff(id, from, to);
        List<FileDiff> files = UnifiedDiff.files(diff);
        ObjectNode out = Json.MAPPER.createObjectNode().put("from_version", from).put("to_version", to);
        ArrayNode list = out.putArray("files");
        StringBuilder unified = new StringBuilder();
        for (FileDiff f : files) {
            list.addObject().put("filename", f.filename()).put("change", f.kind().name().toLowerCase(Locale.ROOT))
                    .put("added_lines", f.added()).put("removed_lines", f.removed());
            unified.append(f.unified());
        }
        boolean truncated = unified.length() > MAX_DIFF_CHARACTERS;
        out.put("diff", truncated ? unified.substring(0, MAX_DIFF_CHARACTERS) : unified.toString());
        if (truncated) {
            out.put("truncated", true).put("note", "the diff is " + unified.length() + " characters; the first "
                    + MAX_DIFF_CHARACTERS + " are shown. Ask for fewer versions, or read files with get_code_file.");
        }
        return out;
    }

    private ObjectNode revert(ToolCall call, JsonNode args, Duration timeLeft) {
        int target = args.path("version").asInt();
        UUID id = artifact.get();
        int head = head(id);
        if (target > head) {
            throw new EditTools.Refused("version " + target + " does not exist: the latest version is " + head
                    + "; nothing was written.");
        }
        RevertResult r = store.lifecycle().revert(id, target,
                AppendOptions.defaults().withIdempotencyKey(call.id()).withTimeout(timeLeft));
        return Json.MAPPER.createObjectNode()
                .put("status", r.written() || r.deduplicated() ? "ok" : "unchanged")
                .put("version", r.version())
                .put("reverted_to", r.target())
                .put("files_changed", r.filesChanged())
                .put("deduplicated", r.deduplicated());
    }

    private int head(UUID id) {
        return store.find(id).orElseThrow(() -> new ArtifactNotFoundException(id)).headVersion();
    }

    private ObjectNode history(JsonNode args) {
        HistoryQuery query = new HistoryQuery(args.path("limit").asInt(DEFAULT_HISTORY_LIMIT),
                args.has("before") ? args.path("before").asInt() : null,
                args.has("filename") ? args.path("filename").asText() : null);
        HistoryPage page = store.lifecycle().history(artifact.get(), query);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode versions = out.putArray("versions");
        for (VersionSummary v : page.versions()) {
            ObjectNode entry = versions.addObject()
                    .put("version", v.number())
                    .put("summary", v.summary())
                    .put("files", v.fileCount())
                    .put("created_at", String.valueOf(v.createdAt()));
            if (v.idempotencyKey() != null) {
                entry.put("tool_call_id", v.idempotencyKey());
            }
        }
        if (page.nextBefore() != null) {
            out.put("next_before", page.nextBefore());
        }
        return out;
    }
}
