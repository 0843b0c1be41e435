package dev.gapless.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.FileInfo;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one place where changes and manifests are mapped to and from the JSON stored in {@code change_json} and
 * {@code artifact_manifests.files}. Files are referenced by the SHA-256 of their content, never inlined:
 * <pre>
 * {"op":"put","file":{"filename":…,"language":…,"description":…,"sha256":"hex","bytes":n}}
 * {"op":"delete","filename":…}
 * {"op":"batch","changes":[…]}
 * manifest: [[filename, language, description, sha256 hex, bytes], …] in snapshot order
 * </pre>
 * Thread-safe.
 */
public final class ChangeJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChangeJson() {
    }

    /**
     * A file as a manifest or a change describes it: its metadata and the digest of its content.
     *
     * @param info   name, language, description, size
     * @param sha256 the digest of its content
     */
    public record Entry(FileInfo info, Digest sha256) {
    }

    /**
     * One applied leaf of a stored change: a put carries the file's new entry, a delete only the name.
     *
     * @param filename the file
     * @param put      the new entry, or {@code null} for a delete
     */
    public record Effect(String filename, Entry put) {
    }

    static String write(Change change, List<PreparedChange.Leaf> leaves) {
        Iterator<PreparedChange.Leaf> next = leaves.iterator();
        return text(node(change, next));
    }

    private static ObjectNode node(Change change, Iterator<PreparedChange.Leaf> leaves) {
        ObjectNode node = MAPPER.createObjectNode();
        if (change instanceof Change.Batch batch) {
            node.put("op", "batch");
            ArrayNode changes = node.putArray("changes");
            for (Change inner : batch.changes()) {
                changes.add(node(inner, leaves));
            }
        } else if (leaves.next() instanceof PreparedChange.Put put) {
            node.put("op", "put");
            node.putObject("file")
                    .put("filename", put.file().filename())
                    .put("language", put.file().language())
                    .put("description", put.file().description())
                    .put("sha256", put.sha256().hex())
                    .put("bytes", put.bytes());
        } else {
            node.put("op", "delete");
            node.put("filename", ((Change.DeleteFile) change).filename());
        }
        return node;
    }

    /** The effects of a stored change, in the order they apply. */
    public static List<Effect> effects(String json) {
        List<Effect> out = new ArrayList<>();
        effects(read(json), out);
        return out;
    }

    private static void effects(JsonNode node, List<Effect> out) {
        String op = node.path("op").asText();
        switch (op) {
            case "put" -> {
                JsonNode file = node.path("file");
                String name = file.path("filename").asText();
                out.add(new Effect(name, new Entry(new FileInfo(name, file.path("language").asText(),
                        file.path("description").asText(), file.path("bytes").asLong()),
                        Digest.ofHex(file.path("sha256").asText()))));
            }
            case "delete" -> out.add(new Effect(node.path("filename").asText(), null));
            case "batch" -> node.path("changes").forEach(inner -> effects(inner, out));
            default -> throw new IllegalStateException("stored change has unknown op '" + op + "'");
        }
    }

    /** The digests a stored change references, to fetch its contents. */
    public static List<Digest> digests(String json) {
        return effects(json).stream().filter(e -> e.put() != null).map(e -> e.put().sha256()).toList();
    }

    /**
     * Rebuilds the caller's change from its stored JSON.
     *
     * @param json     the stored change
     * @param contents the content of every digest it references
     */
    public static Change change(String json, Function<Digest, String> contents) {
        return change(read(json), contents);
    }

    private static Change change(JsonNode node, Function<Digest, String> contents) {
        String op = node.path("op").asText();
        switch (op) {
            case "put" -> {
                JsonNode file = node.path("file");
                return Change.put(new CodeFile(file.path("filename").asText(), file.path("language").asText(),
                        contents.apply(Digest.ofHex(file.path("sha256").asText())), file.path("description").asText()));
            }
            case "delete" -> {
                return Change.delete(node.path("filename").asText());
            }
            case "batch" -> {
                List<Change> changes = new ArrayList<>();
                node.path("changes").forEach(inner -> changes.add(change(inner, contents)));
                return Change.batch(changes);
            }
            default -> throw new IllegalStateException("stored change has unknown op '" + op + "'");
        }
    }

    /** Parses a manifest into its entries, in snapshot order, adding them to {@code into}. */
    public static void manifest(String json, Map<String, Entry> into) {
        for (JsonNode e : read(json)) {
            String name = e.path(0).asText();
            into.put(name, new Entry(new FileInfo(name, e.path(1).asText(), e.path(2).asText(), e.path(4).asLong()),
                    Digest.ofHex(e.path(3).asText())));
        }
    }

    private static String text(JsonNode node) {
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
