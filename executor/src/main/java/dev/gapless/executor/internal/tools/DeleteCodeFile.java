package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.AppendResult;
import dev.gapless.core.Change;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import java.time.Duration;
import java.util.Map;

/** {@code delete_code_file}: a new version without the file (earlier versions keep it). */
final class DeleteCodeFile extends Tool {

    DeleteCodeFile() {
        super("delete_code_file", MAY_DELETE, false);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        String filename = args.path("filename").asText();
        AppendResult r = chat.append(call, Change.delete(filename), timeLeft);
        if (!r.deduplicated() && turn.wholeResponse()) {
            chat.saw(turn, Map.of(filename, r.version())); // the next response knows the file is gone
        }
        return Tool.ok(call, WriteReport.payload(r).put("filename", filename));
    }
}
