package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Change;
import dev.gapless.executor.json.Json;
import java.text.Normalizer;
import java.util.List;

/**
 * The Responses API's built-in {@code apply_patch} operation ({@code {type: create_file | update_file | delete_file,
 * path, diff}}) as a V4A patch of exactly that one file. The operation's {@code path} is what an agent product shows
 * the user to approve, so the patch may touch that file and no other: a path with a control or formatting character
 * (a line break would start a new envelope line) is refused as a filename, a diff line that is a V4A envelope line
 * ({@code *** Begin Patch}, {@code *** End Patch}, {@code *** Add File:}, {@code *** Delete File:},
 * {@code *** Update File:}, {@code *** Move to:}) is refused, and the patch built is parsed back and refused unless
 * it names exactly the operation's path. Stateless and thread-safe.
 */
final class PatchOperation {

    /** The envelope markers a diff must not hold: each would start or end a file operation of its own. */
    private static final List<String> ENVELOPE = List.of("*** Begin Patch", "*** End Patch", "*** Add File:",
            "*** Delete File:", "*** Update File:", "*** Move to:");

    private PatchOperation() {
    }

    /**
     * Whether arguments of {@code apply_patch} are an operation rather than a patch: an object whose only field is
     * {@code operation}.
     *
     * @param arguments the parsed arguments
     * @return whether {@link #arguments} applies
     */
    static boolean isOperation(JsonNode arguments) {
        return arguments.isObject() && arguments.size() == 1 && arguments.has("operation");
    }

    /**
     * The arguments {@code {"input": patch}} of {@code apply_patch} for an operation.
     *
     * @param arguments {@code {"operation": {...}}}
     * @return the arguments with the one-file patch
     * @throws Malformed naming what is wrong with the operation; nothing is written
     */
    static ObjectNode arguments(JsonNode arguments) {
        JsonNode operation = arguments.path("operation");
        String type = operation.path("type").asText();
        JsonNode pathNode = operation.path("path");
        JsonNode diff = operation.path("diff");
        if (!operation.isObject()) {
            throw new Malformed("the apply_patch operation must be an object with type, path and diff");
        }
        String header = switch (type) {
            case "create_file" -> "*** Add File: ";
            case "update_file" -> "*** Update File: ";
            case "delete_file" -> "*** Delete File: ";
            default -> throw new Malformed("the apply_patch operation's type must be create_file, update_file or"
                    + " delete_file, was '" + type + "'");
        };
        if (!pathNode.isTextual() || pathNode.asText().isBlank()) {
            throw new Malformed("the apply_patch operation has no path: give the file it changes as operation.path");
        }
        String path = pathNode.asText();
        requirePrintable(path);
        if (!type.equals("delete_file") && !diff.isTextual()) {
            throw new Malformed("the apply_patch operation " + type + " of '" + path + "' has no diff: give the"
                    + " file's lines as operation.diff");
        }
        String body = type.equals("delete_file") ? "" : diff.asText();
        requireNoEnvelope(path, body);
        body = body.isEmpty() || body.endsWith("\n") ? body : body + "\n";
        String patch = "*** Begin Patch\n" + header + path + "\n" + body + "*** End Patch\n";
        List<String> touched = ((Change.Patch) Change.patch(patch)).paths();
        String expected = Normalizer.normalize(path, Normalizer.Form.NFC);
        if (!touched.equals(List.of(expected))) {
            throw new Malformed("the apply_patch operation on '" + path + "' would change " + touched + "; an"
                    + " operation changes its path and nothing else");
        }
        return Json.MAPPER.createObjectNode().put("input", patch);
    }

    /** A path with a control, line-separating or formatting character is refused as a filename, before any use. */
    private static void requirePrintable(String path) {
        for (int i = 0; i < path.length(); ) {
            int c = path.codePointAt(i);
            int kind = Character.getType(c);
            if (kind == Character.CONTROL || kind == Character.LINE_SEPARATOR || kind == Character.PARAGRAPH_SEPARATOR
                    || kind == Character.FORMAT) {
                throw new Malformed(String.format("the apply_patch operation's path is not a valid filename: it holds"
                        + " the control or formatting character U+%04X at index %d", c, i));
            }
            i += Character.charCount(c);
        }
    }

    private static void requireNoEnvelope(String path, String diff) {
        String[] lines = diff.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            for (String marker : ENVELOPE) {
                if (line.startsWith(marker)) {
                    throw new Malformed("line " + (n + 1) + " of the diff of the apply_patch operation on '" + path
                            + "' is the V4A envelope line '" + (line.length() > 80 ? line.substring(0, 80) + "…"
                            : line) + "'; an operation's diff holds only the lines of its own file");
                }
            }
        }
    }

    /** An operation that cannot be run: an error result with this message, nothing written. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
