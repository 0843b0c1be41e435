package dev.gapless.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The chaos suite's own reading of the JSON that storage v2 keeps, written from the schema rather than taken from
 * core, so that the {@link HistoryChecker} does not trust the code it checks. Also writes that JSON, for the broken
 * writers of the self-tests:
 * <pre>
 * change_json  {"op":"put","file":{"filename","language","description","sha256":hex,"bytes":n}}
 *              {"op":"delete","filename"}   {"op":"batch","changes":[…]}
 * files        [[filename, language, description, sha256 hex, bytes], …]   (a manifest, in snapshot order)
 * </pre>
 * Parsing is strict: a missing or mistyped field is an error naming it. Stateless.
 */
final class StoredJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private StoredJson() {
    }

    /**
     * A file as a change or a manifest references it: its metadata and the digest and size of its content.
     *
     * @param filename    the file
     * @param language    its language
     * @param description its description
     * @param sha256      lowercase hex SHA-256 of its content's UTF-8 bytes
     * @param bytes       its content's size in UTF-8 bytes
     */
    record FileRef(String filename, String language, String description, String sha256, long bytes) {
    }

    /** A stored change: its leaves reference contents by digest. */
    sealed interface StoredChange permits Put, Delete, Batch {
    }

    /**
     * Puts {@code file}: for a put that said which version its writer saw, {@code base} is that version (and
     * {@code file} is what was written, merged where the file had changed since), else
     * {@link dev.gapless.core.Change.PutFile#NO_BASE}.
     */
    record Put(FileRef file, int base) implements StoredChange {
    }

    /** Deletes {@code filename}. */
    record Delete(String filename) implements StoredChange {
    }

    /** Applies {@code changes} in order, as one version. */
    record Batch(List<StoredChange> changes) implements StoredChange {
    }

    /**
     * Parses a stored change.
     *
     * @throws IllegalArgumentException naming what is malformed
     */
    static StoredChange parseChange(String json) {
        return change(read(json), "$");
    }

    private static StoredChange change(JsonNode node, String path) {
        String op = text(node, "op", path);
        return switch (op) {
            case "put" -> {
                JsonNode file = node.get("file");
                if (file == null || !file.isObject()) {
                    throw new IllegalArgumentException(path + ".file is not an object");
                }
                String at = path + ".file";
                JsonNode base = node.get("base");
                if (base != null && !base.canConvertToInt()) {
                    throw new IllegalArgumentException(path + ".base is not an integer: " + base);
                }
                yield new Put(fileRef(text(file, "filename", at), text(file, "language", at),
                        text(file, "description", at), file.get("sha256"), file.get("bytes"), at),
                        base == null ? dev.gapless.core.Change.PutFile.NO_BASE : base.asInt());
            }
            case "delete" -> new Delete(text(node, "filename", path));
            case "batch" -> {
                JsonNode changes = node.get("changes");
                if (changes == null || !changes.isArray()) {
                    throw new IllegalArgumentException(path + ".changes is not an array");
                }
                List<StoredChange> inner = new ArrayList<>();
                for (int i = 0; i < changes.size(); i++) {
                    inner.add(change(changes.get(i), path + ".changes[" + i + "]"));
                }
                yield new Batch(inner);
            }
            default -> throw new IllegalArgumentException(path + ".op is '" + op + "'");
        };
    }

    /**
     * Parses a manifest.
     *
     * @throws IllegalArgumentException naming what is malformed
     */
    static List<FileRef> parseManifest(String json) {
        JsonNode root = read(json);
        if (!root.isArray()) {
            throw new IllegalArgumentException("manifest is not an array");
        }
        List<FileRef> files = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode e = root.get(i);
            String at = "[" + i + "]";
            if (!e.isArray() || e.size() != 5) {
                throw new IllegalArgumentException(at + " is not [filename, language, description, sha256, bytes]");
            }
            files.add(fileRef(element(e, 0, at), element(e, 1, at), element(e, 2, at), e.get(3), e.get(4), at));
        }
        return files;
    }

    private static FileRef fileRef(String filename, String language, String description, JsonNode sha256,
                                   JsonNode bytes, String path) {
        if (sha256 == null || !sha256.isTextual() || !SHA256_HEX.matcher(sha256.asText()).matches()) {
            throw new IllegalArgumentException(path + " sha256 is not 64 lowercase hex digits: " + sha256);
        }
        if (bytes == null || !bytes.isIntegralNumber() || bytes.asLong() < 0) {
            throw new IllegalArgumentException(path + " bytes is not a size: " + bytes);
        }
        return new FileRef(filename, language, description, sha256.asText(), bytes.asLong());
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(path + "." + field + " is not a string: " + value);
        }
        return value.asText();
    }

    private static String element(JsonNode array, int i, String path) {
        JsonNode value = array.get(i);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(path + "[" + i + "] is not a string: " + value);
        }
        return value.asText();
    }

    /** The v2 {@code change_json} of {@code change}, contents referenced by digest. */
    static String changeJson(Change change) {
        return ChangeCodec.toJson(change, f -> MAPPER.createObjectNode().put("filename", f.filename())
                .put("language", f.language()).put("description", f.description())
                .put("sha256", sha256Hex(f.content())).put("bytes", utf8Bytes(f.content()))).toString();
    }

    /** A v2 manifest of {@code files}, in their order. */
    static String manifestJson(List<CodeFile> files) {
        ArrayNode root = MAPPER.createArrayNode();
        for (CodeFile f : files) {
            root.addArray().add(f.filename()).add(f.language()).add(f.description()).add(sha256Hex(f.content()))
                    .add(utf8Bytes(f.content()));
        }
        return root.toString();
    }

    /** The lowercase hex SHA-256 of {@code content}'s UTF-8 bytes: how v2 addresses contents. */
    static String sha256Hex(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The size of {@code content} in UTF-8 bytes. */
    static long utf8Bytes(String content) {
        return content.getBytes(StandardCharsets.UTF_8).length;
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
