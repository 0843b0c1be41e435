package dev.gapless.executor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.FileInfo;
import dev.gapless.core.FileListing;
import dev.gapless.core.VersionedFile;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.math.BigInteger;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The edit tools models are trained on: {@code edit_code_file} (replace text), Anthropic's text editor
 * {@code str_replace_based_edit_tool} (view, create, str_replace, insert) and OpenAI's {@code apply_patch} (a V4A
 * patch of several files). Every write is a core edit applied to the latest content under the artifact's lock, keyed
 * by the call id. A failure of the store propagates as {@link dev.gapless.core.GaplessException} for
 * {@link ToolHandlers} to word. Thread-safe.
 */
final class EditTools {

    /** The tools this class runs. */
    static final Set<String> NAMES = Set.of("edit_code_file", "str_replace_based_edit_tool", "apply_patch");

    /** The most characters a view shows when the call does not say (the text editor's {@code max_characters}). */
    static final int DEFAULT_VIEW_CHARACTERS = 100_000;

    /** Writes a change keyed by the call, within the time left; returns the payload of a successful write. */
    interface Write {
        ObjectNode run(ToolCall call, Change change, Duration timeLeft);
    }

    /** Records what the reader has seen of files. */
    interface Views {
        /** A read: see {@link ToolHandlers#saw}. */
        void saw(Turn turn, Map<String, Integer> versions);

        /** Its own writes: see {@link ToolHandlers#ownWrites}. */
        void ownWrites(Turn turn, Map<String, Turn.OwnView> views);
    }

    private final ArtifactStore store;
    private final Supplier<UUID> artifact;
    private final Write write;
    private final Views views;

    EditTools(ArtifactStore store, Supplier<UUID> artifact, Write write, Views views) {
        this.store = store;
        this.artifact = artifact;
        this.write = write;
        this.views = views;
    }

    /** Runs a validated call of one of {@link #NAMES}. */
    ToolResult handle(ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        return switch (call.name()) {
            case "edit_code_file" -> ok(call, write.run(call, Change.edit(args.path("path").asText(),
                    args.path("old_string").asText(), args.path("new_string").asText(),
                    args.path("replace_all").asBoolean(false)), timeLeft).put("path", args.path("path").asText()));
            case "apply_patch" -> ok(call, write.run(call, Change.patch(args.path("input").asText()), timeLeft));
            default -> textEditor(call, args, timeLeft, turn);
        };
    }

    private ToolResult textEditor(ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        String command = args.path("command").asText();
        // NFC, as the store names files: a directory typed in NFD lists the same files
        String path = Normalizer.normalize(args.path("path").asText(), Normalizer.Form.NFC);
        return switch (command) {
            case "view" -> view(call, path, args, turn);
            case "create" -> {
                ObjectNode created = write.run(call, Change.create(CodeFile.of(path,
                        required(call, args, "file_text", command))), timeLeft);
                if (!created.path("deduplicated").asBoolean()) {
                    int version = created.path("version").asInt(); // its own whole file, added (the base had none)
                    views.ownWrites(turn, Map.of(path, turn.afterOwnWrite(version - 1, version, true, false)));
                }
                yield ok(call, created.put("path", path));
            }
            case "str_replace" -> ok(call, write.run(call, Change.edit(path, required(call, args, "old_str", command),
                    args.path("new_str").asText("")), timeLeft).put("path", path));
            default -> {
                // the documentation names the text new_str, the model sends insert_text: either is taken
                String text = args.has("insert_text") ? args.path("insert_text").asText()
                        : args.has("new_str") ? args.path("new_str").asText() : required(call, args, "insert_text",
                        command);
                if (!args.has("insert_line")) {
                    throw new Refused("invalid arguments for " + call.name() + ": insert needs insert_line (the line"
                            + " to insert after, 0 for the top).");
                }
                int line = integer(call, args.path("insert_line"), "insert_line", 0, Integer.MAX_VALUE);
                yield ok(call, write.run(call, Change.insert(path, line, text), timeLeft)
                        .put("path", path));
            }
        };
    }

    /**
     * An integer argument, read exactly (as a big integer: never wrapped or rounded to an {@code int}) and refused
     * unless it is in {@code [min, max]}, naming the range.
     */
    static int integer(ToolCall call, JsonNode node, String name, int min, int max) {
        BigInteger value = null;
        if (node.isIntegralNumber()) {
            value = node.bigIntegerValue();
        } else if (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0) {
            value = node.decimalValue().toBigIntegerExact();
        }
        if (value == null || value.compareTo(BigInteger.valueOf(min)) < 0
                || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new Refused("invalid arguments for " + call.name() + ": " + name + " is " + node + ", out of range:"
                    + " it must be an integer from " + min + " to " + max + "; nothing was written.");
        }
        return value.intValueExact();
    }

    private static String required(ToolCall call, JsonNode args, String field, String command) {
        if (!args.has(field)) {
            throw new Refused("invalid arguments for " + call.name() + ": " + command + " needs " + field + ".");
        }
        return args.path(field).asText();
    }

    /** The file with line numbers ({@code "12: text"}), or with path '.' the files; nothing is written. */
    private ToolResult view(ToolCall call, String path, JsonNode args, Turn turn) {
        int max = args.has("max_characters")
                ? integer(call, args.path("max_characters"), "max_characters", 1, Integer.MAX_VALUE)
                : DEFAULT_VIEW_CHARACTERS;
        UUID id = artifact.get();
        VersionedFile found = path.equals(".") || path.equals("/") ? null : store.file(id, path).orElse(null);
        if (found == null) {
            // a directory: the files under it (the artifact's root for '.')
            String prefix = path.equals(".") || path.equals("/") ? "" : path.endsWith("/") ? path : path + "/";
            FileListing listing = store.files(id);
            StringBuilder out = new StringBuilder();
            for (FileInfo f : listing.files()) {
                if (f.filename().startsWith(prefix)) {
                    out.append(f.filename()).append(" (").append(f.bytes()).append(" bytes)\n");
                }
            }
            if (out.isEmpty() && !prefix.isEmpty()) {
                throw new Refused("the path '" + path + "' does not exist in the latest version (" + listing.version()
                        + ") of the artifact; view '.' lists the files.");
            }
            return text(call, truncate("Files " + (prefix.isEmpty() ? "of the artifact" : "under " + prefix)
                    + " at version " + listing.version() + ":\n" + out, max));
        }
        String[] lines = found.file().content().split("\n", -1);
        String content = found.file().content();
        int count = lines.length - (content.isEmpty() || content.endsWith("\n") ? 1 : 0);
        int from = 1;
        int to = count;
        JsonNode range = args.path("view_range");
        if (range.isArray()) {
            from = integer(call, range.path(0), "view_range[0]", 1, Integer.MAX_VALUE);
            int end = integer(call, range.path(1), "view_range[1]", -1, Integer.MAX_VALUE);
            to = end == -1 ? count : end;
            if (from > Math.max(count, 1) || to < from || to > count) {
                throw new Refused("invalid view_range [" + from + ", " + end
                        + "]: '" + path + "' has " + count + " lines at version " + found.version() + "; give [start,"
                        + " end] with 1 <= start <= end <= " + count + ", or -1 as end for the last line.");
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = from; n <= to; n++) {
            String line = lines[n - 1];
            out.append(n).append(": ").append(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line)
                    .append('\n');
        }
        if (from == 1 && to == count && out.length() <= max) {
            views.saw(turn, Map.of(path, found.version())); // the whole file seen (a part or a cut one is not)
        }
        return text(call, truncate(out.toString(), max) + "(" + path + " at version " + found.version() + ")\n");
    }

    private static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "\n[truncated: showing " + max + " of " + text.length() + " characters;"
                + " view a smaller view_range to see the rest]\n";
    }

    private static ToolResult ok(ToolCall call, ObjectNode payload) {
        return new ToolResult(call.id(), call.name(), false, Json.write(payload));
    }

    private static ToolResult text(ToolCall call, String text) {
        return new ToolResult(call.id(), call.name(), false, text);
    }

    /** A call that cannot run as asked: an error result with this message, nothing written. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
