package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.Change;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import java.time.Duration;

/** {@code edit_code_file}: a text replaced in the latest content, under the artifact's lock, keyed by the call id. */
final class EditCodeFile extends Tool {

    EditCodeFile() {
        super("edit_code_file", WRITE, false);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        String path = args.path("path").asText();
        return Tool.ok(call, chat.write(call, Change.edit(path, args.path("old_string").asText(),
                args.path("new_string").asText(), args.path("replace_all").asBoolean(false)), timeLeft)
                .put("path", path));
    }
}
