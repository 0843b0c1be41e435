package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.time.Duration;

/** {@code add_code_files}: several files written whole as one version, each based on what its writer saw. */
final class AddCodeFiles extends Tool {

    AddCodeFiles() {
        super("add_code_files", WRITE, true);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        ObjectNode out = WholeFiles.write(chat, call, args.path("files"), true, timeLeft, turn);
        ArrayNode names = Json.MAPPER.createArrayNode();
        args.path("files").forEach(file -> names.add(file.path("filename").asText()));
        out.set("filenames", names);
        return Tool.ok(call, out);
    }
}
