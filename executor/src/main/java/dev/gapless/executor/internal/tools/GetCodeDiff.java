package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.VersionDiff;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import dev.gapless.text.FileDiff;
import dev.gapless.text.UnifiedDiff;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code get_code_diff}: what changed between two versions, as git's unified diff. Without versions it shows the
 * latest version as the response found it ({@link Turn}), so that a revert in the same response does not change what
 * it shows.
 */
final class GetCodeDiff extends Tool {

    /** The most characters of unified diff one answer carries; the rest is cut, and the answer says so. */
    static final int MAX_DIFF_CHARACTERS = 100_000;

    GetCodeDiff() {
        super("get_code_diff", READ, true);
    }

    @Override
    public ToolResult run(ChatTools chat, ToolCall call, JsonNode args, Duration timeLeft, Turn turn) {
        UUID id = chat.artifact();
        int head = chat.head(id);
        if (head == 0) {
            throw new Refused("the artifact has no version yet: there is nothing to diff.");
        }
        int arrived = turn == null ? head : Math.min(head, turn.headAtArrival().orElse(head));
        int to = args.has("to_version") ? args.path("to_version").asInt() : Math.max(1, arrived);
        int from = args.has("from_version") ? args.path("from_version").asInt() : Math.max(0, to - 1);
        for (int v : new int[] {to, from}) {
            if (v > head) {
                throw new Refused("version " + v + " does not exist: the latest version is " + head + ".");
            }
        }
        VersionDiff diff = chat.store().lifecycle().diff(id, from, to);
        List<FileDiff> files = UnifiedDiff.files(diff);
        ObjectNode out = Json.MAPPER.createObjectNode().put("from_version", from).put("to_version", to);
        ArrayNode list = out.putArray("files");
        StringBuilder unified = new StringBuilder();
        for (FileDiff f : files) {
            list.addObject().put("filename", f.filename()).put("change", f.kind().name().toLowerCase(Locale.ROOT))
                    .put("added_lines", f.added()).put("removed_lines", f.removed());
            unified.append(f.unified());
        }
        boolean truncated = unified.length() > MAX_DIFF_CHARACTERS;
        out.put("diff", truncated ? unified.substring(0, MAX_DIFF_CHARACTERS) : unified.toString());
        if (truncated) {
            out.put("truncated", true).put("note", "the diff is " + unified.length() + " characters; the first "
                    + MAX_DIFF_CHARACTERS + " are shown. Ask for fewer versions, or read files with get_code_file.");
        }
        return Tool.ok(call, out);
    }
}
