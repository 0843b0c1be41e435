package dev.gapless.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link Change} as JSON with its contents inline, for {@link AppendRecord}s handed from a writer process to the
 * test: {@code {"op":"put","file":{"filename","language","content","description"}}}, {@code {"op":"delete",
 * "filename"}}, {@code {"op":"batch","changes":[…]}}. Not the stored layout (see {@link StoredJson}). Stateless.
 */
final class ChangeCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChangeCodec() {
    }

    static ObjectNode toJson(Change change) {
        return toJson(change, f -> MAPPER.createObjectNode().put("filename", f.filename())
                .put("language", f.language()).put("content", f.content()).put("description", f.description()));
    }

    /** The tree both JSON forms of a change share; {@code file} renders a put's file. */
    static ObjectNode toJson(Change change, Function<CodeFile, ObjectNode> file) {
        ObjectNode node = MAPPER.createObjectNode();
        if (change instanceof Change.PutFile put) {
            node.put("op", "put").set("file", file.apply(put.file()));
            if (put.baseVersion() != Change.PutFile.NO_BASE) {
                node.put("base", put.baseVersion());
            }
        } else if (change instanceof Change.DeleteFile delete) {
            node.put("op", "delete").put("filename", delete.filename());
        } else {
            ArrayNode changes = node.put("op", "batch").putArray("changes");
            ((Change.Batch) change).changes().forEach(c -> changes.add(toJson(c, file)));
        }
        return node;
    }

    /** @throws IllegalArgumentException if {@code node} is not a change written by {@link #toJson} */
    static Change fromJson(JsonNode node) {
        String op = node.path("op").asText();
        switch (op) {
            case "put" -> {
                JsonNode f = node.path("file");
                if (!f.path("filename").isTextual() || !f.path("content").isTextual()) {
                    throw new IllegalArgumentException("put without filename or content: " + node);
                }
                CodeFile file = new CodeFile(f.get("filename").asText(), f.path("language").asText(),
                        f.get("content").asText(), f.path("description").asText());
                return node.has("base") ? Change.put(file, node.get("base").asInt()) : Change.put(file);
            }
            case "delete" -> {
                if (!node.path("filename").isTextual()) {
                    throw new IllegalArgumentException("delete without filename: " + node);
                }
                return Change.delete(node.get("filename").asText());
            }
            case "batch" -> {
                List<Change> changes = new ArrayList<>();
                node.path("changes").forEach(c -> changes.add(fromJson(c)));
                return Change.batch(changes);
            }
            default -> throw new IllegalArgumentException("unknown op '" + op + "': " + node);
        }
    }
}
