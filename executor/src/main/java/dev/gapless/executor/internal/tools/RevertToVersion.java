package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.RevertResult;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.time.Duration;
import java.util.UUID;

/** {@code revert_to_version}: a new version with an older version's files ("undo that"), keyed by the call id. */
final class RevertToVersion extends Tool {

    RevertToVersion() {
        super("revert_to_version", MAY_DELETE, false);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        int target = args.path("version").asInt();
        UUID id = chat.artifact();
        int head = chat.head(id);
        if (target > head) {
            throw new Refused("version " + target + " does not exist: the latest version is " + head
                    + "; nothing was written.");
        }
        RevertResult r = chat.store().lifecycle().revert(id, target,
                AppendOptions.defaults().withIdempotencyKey(call.id()).withTimeout(timeLeft));
        return Tool.ok(call, Json.MAPPER.createObjectNode()
                .put("status", r.written() || r.deduplicated() ? "ok" : "unchanged")
                .put("version", r.version())
                .put("reverted_to", r.target())
                .put("files_changed", r.filesChanged())
                .put("deduplicated", r.deduplicated()));
    }
}
