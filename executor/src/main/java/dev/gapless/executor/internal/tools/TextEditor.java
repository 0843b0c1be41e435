package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.FileInfo;
import dev.gapless.core.FileListing;
import dev.gapless.core.VersionedFile;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Anthropic's text editor {@code str_replace_based_edit_tool}: {@code view} (a file with line numbers, or the files
 * under a directory), {@code create}, {@code str_replace} and {@code insert}. Every write is a core edit applied to the
 * latest content under the artifact's lock, keyed by the call id.
 */
final class TextEditor extends Tool {

    /** The most characters a view shows when the call does not say (the text editor's {@code max_characters}). */
    static final int DEFAULT_VIEW_CHARACTERS = 100_000;

    TextEditor() {
        super("str_replace_based_edit_tool", WRITE, false);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        String command = args.path("command").asText();
        // NFC, as the store names files: a directory typed in NFD lists the same files
        String path = Normalizer.normalize(args.path("path").asText(), Normalizer.Form.NFC);
        return switch (command) {
            case "view" -> view(chat, call, path, args, turn);
            case "create" -> {
                ObjectNode created = chat.write(call, Change.create(CodeFile.of(path,
                        required(call, args, "file_text", command))), timeLeft);
                if (!created.path("deduplicated").asBoolean()) {
                    int version = created.path("version").asInt(); // its own whole file, added (the base had none)
                    chat.ownWrites(turn, Map.of(path, turn.afterOwnWrite(version - 1, version, true, false)));
                }
                yield Tool.ok(call, created.put("path", path));
            }
            case "str_replace" -> Tool.ok(call, chat.write(call, Change.edit(path,
                    required(call, args, "old_str", command), args.path("new_str").asText("")), timeLeft)
                    .put("path", path));
            default -> {
                // the documentation names the text new_str, the model sends insert_text: either is taken
                String text = args.has("insert_text") ? args.path("insert_text").asText()
                        : args.has("new_str") ? args.path("new_str").asText() : required(call, args, "insert_text",
                        command);
                if (!args.has("insert_line")) {
                    throw new Refused("invalid arguments for " + call.name() + ": insert needs insert_line (the line"
                            + " to insert after, 0 for the top).");
                }
                int line = Refused.integer(call.name(), args.path("insert_line"), "insert_line", 0,
                        Integer.MAX_VALUE);
                yield Tool.ok(call, chat.write(call, Change.insert(path, line, text), timeLeft)
                        .put("path", path));
            }
        };
    }

    private static String required(ToolCall call, JsonNode args, String field, String command) {
        if (!args.has(field)) {
            throw new Refused("invalid arguments for " + call.name() + ": " + command + " needs " + field + ".");
        }
        return args.path(field).asText();
    }

    /** The file with line numbers ({@code "12: text"}), or with path '.' the files; nothing is written. */
    private static ToolResult view(ChatTools chat, ToolCall call, String path, JsonNode args, Turn turn) {
        int max = args.has("max_characters")
                ? Refused.integer(call.name(), args.path("max_characters"), "max_characters", 1, Integer.MAX_VALUE)
                : DEFAULT_VIEW_CHARACTERS;
        UUID id = chat.artifact();
        VersionedFile found = path.equals(".") || path.equals("/") ? null
                : chat.store().file(id, path).orElse(null);
        if (found == null) {
            // a directory: the files under it (the artifact's root for '.')
            String prefix = path.equals(".") || path.equals("/") ? "" : path.endsWith("/") ? path : path + "/";
            FileListing listing = chat.store().files(id);
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
            from = Refused.integer(call.name(), range.path(0), "view_range[0]", 1, Integer.MAX_VALUE);
            int end = Refused.integer(call.name(), range.path(1), "view_range[1]", -1, Integer.MAX_VALUE);
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
            chat.saw(turn, Map.of(path, found.version())); // the whole file seen (a part or a cut one is not)
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

    private static ToolResult text(ToolCall call, String text) {
        return new ToolResult(call.id(), call.name(), false, text);
    }
}
