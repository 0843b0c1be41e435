package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import java.time.Duration;
import java.util.List;

/** {@code add_code_file}: one file written whole, based on the version its writer saw ({@link WholeFiles}). */
final class AddCodeFile extends Tool {

    AddCodeFile() {
        super("add_code_file", WRITE, true);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        return Tool.ok(call, WholeFiles.write(chat, call, List.of(args), false, timeLeft, turn)
                .put("filename", args.path("filename").asText()));
    }
}
