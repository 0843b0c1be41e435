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
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one place where changes and manifests are mapped to and from the JSON stored in {@code change_json} and
 * {@code artifact_manifests.files}. Files are referenced by the SHA-256 of their content, never inlined:
 * <pre>
 * {"op":"put","file":{"filename":…,"language":…,"description":…,"sha256":"hex","bytes":n}[,"base":n]}
 *     a merged put: "file" is the merged result, "merged":{"head":n,"sha256":"hex","bytes":n} the content as written
 * {"op":"create","file":{…}}                                          a file that must not exist ("add" in a patch)
 * {"op":"delete","filename":…}
 * {"op":"edit","filename":…,"old_string":…,"new_string":…,"replace_all":b,"file":{…result}}
 * {"op":"insert","filename":…,"insert_line":n,"text":…,"file":{…result}}
 * {"op":"patch","patch":"*** Begin Patch…","changes":[create | delete | {"op":"update","filename":…,
 *                                           "source":…,"file":{…result}}, …]}   a move is an update and a delete
 * {"op":"batch","changes":[…]}
 * manifest: [[filename, language, description, sha256 hex, bytes], …] in snapshot order
 * </pre>
 * The request JSON of an append (what its digest is taken of, and what {@code gapless_append} receives) is the same
 * without the {@code file} of edits, with each leaf's summary part as {@code summary} where it is not computed, and
 * with each patch update's compiled {@code hunks} ({@code anchors}; {@code lines}, each prefixed ' ' kept, '-'
 * removed or '+' added; {@code eof}; {@code line}).
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

    /** The request JSON of a change whose leaves (and their JSON pointers) {@link PreparedChange} computed. */
    static ObjectNode request(Change change, List<PreparedChange.Leaf> leaves, List<String> paths) {
        return node(change, "", leaves, paths, new int[1]);
    }

    private static ObjectNode node(Change change, String path, List<PreparedChange.Leaf> leaves, List<String> paths,
                                   int[] next) {
        if (change instanceof Change.Batch batch) {
            ObjectNode node = MAPPER.createObjectNode().put("op", "batch");
            ArrayNode changes = node.putArray("changes");
            for (int i = 0; i < batch.changes().size(); i++) {
                changes.add(node(batch.changes().get(i), path + "/changes/" + i, leaves, paths, next));
            }
            return node;
        }
        if (change instanceof Change.Patch patch) {
            ObjectNode node = MAPPER.createObjectNode().put("op", "patch").put("patch", patch.text());
            ArrayNode changes = node.putArray("changes");
            String prefix = path + "/changes/";
            while (next[0] < leaves.size() && paths.get(next[0]).startsWith(prefix)) {
                changes.add(leaf(leaves.get(next[0]++)));
            }
            return node;
        }
        return leaf(leaves.get(next[0]++));
    }

    private static ObjectNode leaf(PreparedChange.Leaf leaf) {
        ObjectNode node = MAPPER.createObjectNode();
        if (leaf instanceof PreparedChange.Put put) {
            node.put("op", put.createVerb() == null ? "put" : put.createVerb()); // "create", or "add" in a patch
            entry(node.putObject("file"), put.file().filename(), put.file().language(), put.file().description(),
                    put.sha256(), put.bytes());
            if (put.hasBase()) {
                node.put("base", put.base());
            }
        } else if (leaf instanceof PreparedChange.Delete delete) {
            node.put("op", "delete").put("filename", delete.filename());
        } else {
            PreparedChange.Edit edit = (PreparedChange.Edit) leaf;
            if (edit.op() instanceof PreparedChange.Replace r) {
                node.put("op", "edit").put("filename", edit.filename()).put("old_string", r.oldText())
                        .put("new_string", r.newText()).put("replace_all", r.all());
            } else if (edit.op() instanceof PreparedChange.Insert i) {
                node.put("op", "insert").put("filename", edit.filename()).put("insert_line", i.afterLine())
                        .put("text", i.text());
            } else {
                node.put("op", "update").put("filename", edit.filename()).put("source", edit.source());
                ArrayNode hunks = node.putArray("hunks");
                for (V4a.Hunk h : ((PreparedChange.Hunks) edit.op()).hunks()) {
                    ObjectNode hunk = hunks.addObject();
                    h.anchors().forEach(hunk.putArray("anchors")::add);
                    h.body().forEach(hunk.putArray("lines")::add);
                    hunk.put("eof", h.atEnd()).put("line", h.line());
                }
            }
        }
        if (leaf.label() != null) {
            node.put("summary", leaf.label());
        }
        return node;
    }

    private static void entry(ObjectNode file, String filename, String language, String description, Digest sha256,
                              long bytes) {
        file.put("filename", filename).put("language", language).put("description", description)
                .put("sha256", sha256.hex()).put("bytes", bytes);
    }

    /**
     * The JSON stored for a version: the request JSON without its summary parts and compiled hunks, each edit with
     * the file it produced.
     *
     * @param change  the prepared change
     * @param results for each edit leaf (by index), the row of the file it produced; for each merged put, the row of
     *                the merged file
     * @param merged  for each merged put (by leaf index), the head version it was merged onto
     */
    static String stored(PreparedChange change, Map<Integer, HeadState.FileRow> results,
                         Map<Integer, Integer> merged) {
        if (change.storedAsRequested() && results.isEmpty()) {
            return change.json();
        }
        ObjectNode root = change.request().deepCopy();
        for (int i = 0; i < change.leaves().size(); i++) {
            ObjectNode node = (ObjectNode) root.at(change.paths().get(i));
            node.remove("summary");
            node.remove("hunks");
            HeadState.FileRow row = results.get(i);
            if (row != null) {
                entry(node.putObject("file"), row.filename(), row.language(), row.description(), row.sha256(),
                        row.bytes());
            }
            if (merged.containsKey(i)) {
                markMerged(node, change, i, merged.get(i));
            }
        }
        return text(root);
    }

    /**
     * The request JSON with each merged put's file replaced by the merged one (and marked as for {@link #stored}):
     * what {@code gapless_append} receives for a change whose puts were merged.
     *
     * @param change  the prepared change
     * @param results for each merged put (by leaf index), the row of the merged file
     * @param merged  for each merged put, the head version it was merged onto
     */
    static String requestWithMerges(PreparedChange change, Map<Integer, HeadState.FileRow> results,
                                    Map<Integer, Integer> merged) {
        if (merged.isEmpty()) {
            return change.json();
        }
        ObjectNode root = change.request().deepCopy();
        merged.forEach((i, head) -> {
            ObjectNode node = (ObjectNode) root.at(change.paths().get(i));
            HeadState.FileRow row = results.get(i);
            entry(node.putObject("file"), row.filename(), row.language(), row.description(), row.sha256(),
                    row.bytes());
            markMerged(node, change, i, head);
        });
        return text(root);
    }

    /** Keeps the put as written beside the merged file that its version holds. */
    private static void markMerged(ObjectNode node, PreparedChange change, int i, int head) {
        PreparedChange.Put put = (PreparedChange.Put) change.leaves().get(i);
        node.putObject("merged").put("head", head).put("sha256", put.sha256().hex()).put("bytes", put.bytes());
    }

    /** The effects of a stored change, in the order they apply. */
    public static List<Effect> effects(String json) {
        List<Effect> out = new ArrayList<>();
        effects(read(json), out);
        return out;
    }

    private static void effects(JsonNode node, List<Effect> out) {
        String op = node.path("op").asText();
        if (op.equals("batch") || op.equals("patch")) {
            node.path("changes").forEach(inner -> effects(inner, out));
        } else if (op.equals("delete")) {
            out.add(new Effect(node.path("filename").asText(), null));
        } else if (node.path("file").isObject()) {
            JsonNode file = node.path("file");
            String name = file.path("filename").asText();
            out.add(new Effect(name, new Entry(new FileInfo(name, file.path("language").asText(),
                    file.path("description").asText(), file.path("bytes").asLong()),
                    Digest.ofHex(file.path("sha256").asText()))));
        } else {
            throw new IllegalStateException("stored change has op '" + op + "' without the file it produced");
        }
    }

    /**
     * The digests whose contents rebuilding the stored change needs ({@link #change}): those of its puts and
     * creates. An edit is rebuilt from what it asked for; the content it produced is the version's, not the change's.
     */
    public static List<Digest> digests(String json) {
        List<Digest> out = new ArrayList<>();
        digests(read(json), out);
        return out;
    }

    private static void digests(JsonNode node, List<Digest> out) {
        String op = node.path("op").asText();
        if (op.equals("batch")) {
            node.path("changes").forEach(inner -> digests(inner, out));
        } else if (op.equals("put") || op.equals("create")) {
            out.add(Digest.ofHex(node.path(node.has("merged") ? "merged" : "file").path("sha256").asText()));
        }
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
            case "put", "create" -> {
                JsonNode file = node.path("file");
                String sha = node.has("merged") ? node.path("merged").path("sha256").asText()
                        : file.path("sha256").asText();
                CodeFile f = new CodeFile(file.path("filename").asText(), file.path("language").asText(),
                        contents.apply(Digest.ofHex(sha)), file.path("description").asText());
                if (op.equals("create")) {
                    return Change.create(f);
                }
                return node.has("base") ? Change.put(f, node.path("base").asInt()) : Change.put(f);
            }
            case "edit" -> {
                return Change.edit(node.path("filename").asText(), node.path("old_string").asText(),
                        node.path("new_string").asText(), node.path("replace_all").asBoolean());
            }
            case "insert" -> {
                return Change.insert(node.path("filename").asText(), node.path("insert_line").asInt(),
                        node.path("text").asText());
            }
            case "patch" -> {
                return Change.patch(node.path("patch").asText());
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

    static String text(JsonNode node) {
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
