package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.CodeFile;
import dev.gapless.core.VersionedFile;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** {@code get_code_file}: a file of the latest version, recorded as seen by its reader. */
final class GetCodeFile extends Tool {

    GetCodeFile() {
        super("get_code_file", READ, false);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        String filename = args.path("filename").asText();
        UUID id = chat.artifact();
        VersionedFile found = chat.store().file(id, filename).orElse(null);
        if (found == null) {
            int version = chat.store().files(id).version();
            chat.saw(turn, Map.of(filename, version)); // absence seen: a whole-file write of it from here adds it
            throw new Refused("no file named '" + filename + "' in the latest version (" + version
                    + ") of the artifact.");
        }
        chat.saw(turn, Map.of(filename, found.version()));
        CodeFile file = found.file();
        return Tool.ok(call, Json.MAPPER.createObjectNode()
                .put("filename", file.filename())
                .put("language", file.language())
                .put("description", file.description())
                .put("version", found.version())
                .put("content", file.content()));
    }
}
