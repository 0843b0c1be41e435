package dev.gapless.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where snapshots and changes are mapped to and from the JSON stored in {@code content_json} and
 * {@code change_json}. Thread-safe.
 */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonCodec() {
    }

    /**
     * @param snapshot the snapshot
     * @return {@code {"files":[{filename,language,content,description}, …]}}
     */
    public static String snapshotToJson(Snapshot snapshot) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode files = root.putArray("files");
        for (CodeFile file : snapshot.files()) {
            files.add(fileNode(file));
        }
        return write(root);
    }

    /**
     * @param json the stored content, or {@code null} for "no version yet"
     * @return the snapshot
     */
    public static Snapshot snapshotFromJson(String json) {
        if (json == null) {
            return Snapshot.empty();
        }
        JsonNode files = read(json).path("files");
        List<CodeFile> out = new ArrayList<>(files.size());
        for (JsonNode file : files) {
            out.add(fileFrom(file));
        }
        return new Snapshot(out);
    }

    /**
     * @param change the change
     * @return its JSON form: {@code {"op":"put","file":{…}}}, {@code {"op":"delete","filename":…}} or
     *     {@code {"op":"batch","changes":[…]}}
     */
    public static String changeToJson(Change change) {
        return write(changeNode(change));
    }

    /**
     * @param json the stored change
     * @return the change
     */
    public static Change changeFromJson(String json) {
        return changeFrom(read(json));
    }

    private static ObjectNode changeNode(Change change) {
        ObjectNode node = MAPPER.createObjectNode();
        if (change instanceof Change.PutFile put) {
            node.put("op", "put");
            node.set("file", fileNode(put.file()));
        } else if (change instanceof Change.DeleteFile delete) {
            node.put("op", "delete");
            node.put("filename", delete.filename());
        } else {
            node.put("op", "batch");
            ArrayNode changes = node.putArray("changes");
            for (Change inner : ((Change.Batch) change).changes()) {
                changes.add(changeNode(inner));
            }
        }
        return node;
    }

    private static Change changeFrom(JsonNode node) {
        String op = node.path("op").asText();
        switch (op) {
            case "put":
                return Change.put(fileFrom(node.path("file")));
            case "delete":
                return Change.delete(node.path("filename").asText());
            case "batch":
                List<Change> changes = new ArrayList<>();
                for (JsonNode inner : node.path("changes")) {
                    changes.add(changeFrom(inner));
                }
                return Change.batch(changes);
            default:
                throw new IllegalStateException("stored change has unknown op '" + op + "'");
        }
    }

    private static ObjectNode fileNode(CodeFile file) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("filename", file.filename());
        node.put("language", file.language());
        node.put("content", file.content());
        node.put("description", file.description());
        return node;
    }

    private static CodeFile fileFrom(JsonNode node) {
        return new CodeFile(node.path("filename").asText(), node.path("language").asText(),
                node.path("content").asText(), node.path("description").asText());
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + node.getNodeType(), e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
