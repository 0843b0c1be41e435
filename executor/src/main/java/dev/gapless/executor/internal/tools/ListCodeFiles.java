package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.FileInfo;
import dev.gapless.core.FileListing;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.time.Duration;

/** {@code list_code_files}: the files of the latest version, without their content. */
final class ListCodeFiles extends Tool {

    ListCodeFiles() {
        super("list_code_files", READ, false);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        FileListing listing = chat.store().files(chat.artifact());
        ObjectNode out = Json.MAPPER.createObjectNode().put("version", listing.version());
        ArrayNode files = out.putArray("files");
        for (FileInfo f : listing.files()) {
            files.addObject()
                    .put("filename", f.filename())
                    .put("language", f.language())
                    .put("description", f.description())
                    .put("bytes", f.bytes());
        }
        return Tool.ok(call, out);
    }
}
