package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.Change;
import dev.gapless.core.Outcome;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.Wording;
import java.time.Duration;

/**
 * {@code apply_patch}: OpenAI's V4A patch of several files, applied to the latest content as one version. Takes the
 * Responses API's built-in operation ({@code {"operation": {...}}}) too, as a patch of exactly its one file
 * ({@link PatchOperation}).
 */
final class ApplyPatch extends Tool {

    ApplyPatch() {
        super("apply_patch", MAY_DELETE, false);
    }

    @Override
    public JsonNode arguments(JsonNode sent) {
        if (!PatchOperation.isOperation(sent)) {
            return sent;
        }
        try {
            return PatchOperation.arguments(sent);
        } catch (PatchOperation.Malformed e) {
            throw new Refused(Wording.failed("rejected: " + e.getMessage(), Outcome.NOT_APPLIED));
        }
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        return Tool.ok(call, chat.write(call, Change.patch(args.path("input").asText()), timeLeft));
    }
}
