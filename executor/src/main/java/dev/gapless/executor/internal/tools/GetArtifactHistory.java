package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.HistoryPage;
import dev.gapless.core.HistoryQuery;
import dev.gapless.core.VersionSummary;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.time.Duration;

/** {@code get_artifact_history}: the artifact's versions, paged, newest first, optionally one file's. */
final class GetArtifactHistory extends Tool {

    /** The history page when the call does not give a limit. */
    static final int DEFAULT_HISTORY_LIMIT = 50;

    GetArtifactHistory() {
        super("get_artifact_history", READ, false);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        HistoryQuery query = new HistoryQuery(args.path("limit").asInt(DEFAULT_HISTORY_LIMIT),
                args.has("before") ? args.path("before").asInt() : null,
                args.has("filename") ? args.path("filename").asText() : null);
        HistoryPage page = chat.store().lifecycle().history(chat.artifact(), query);
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
        return Tool.ok(call, out);
    }
}
