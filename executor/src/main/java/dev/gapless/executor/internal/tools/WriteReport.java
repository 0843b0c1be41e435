package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.AppendResult;
import dev.gapless.core.FileMerge;
import dev.gapless.core.MergeConflictException;
import dev.gapless.core.MergedRegion;
import dev.gapless.executor.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a write tells the model, in a form it can act on: {@code ok}, {@code ok} with what it was merged with, or
 * {@code unchanged} with the current version; and for a refused merge, both sides of each conflicting region and what
 * to do. Stateless and thread-safe.
 */
public final class WriteReport {

    /** The most lines of one side of one conflicting region shown; the rest is counted. */
    static final int MAX_SIDE_LINES = 40;
    /** The most characters of one line shown. */
    static final int MAX_LINE_CHARS = 400;
    /** The most conflicting regions shown; the rest is counted. */
    static final int MAX_REGIONS = 8;

    private WriteReport() {
    }

    /**
     * The payload of a successful write: {@code status} ({@code ok}, or {@code unchanged} when the write changed
     * nothing and added no version), {@code version}, {@code summary}, {@code deduplicated}, and when the store merged
     * the write with changes its writer had not seen, {@code merged}: a sentence saying with what.
     */
    static ObjectNode payload(AppendResult r) {
        ObjectNode out = Json.MAPPER.createObjectNode()
                .put("status", r.unchanged() ? "unchanged" : "ok")
                .put("version", r.version())
                .put("summary", r.summary())
                .put("deduplicated", r.deduplicated());
        if (r.unchanged()) {
            out.put("message", "the content sent is the content the artifact already has at version " + r.version()
                    + "; no version was added.");
        }
        if (!r.merges().isEmpty()) {
            out.put("merged", merged(r.merges()));
        }
        return out;
    }

    /**
     * {@code merged with version 7 (lines 40-44 changed by call_x)}, per file, naming the file when several merged.
     */
    static String merged(List<FileMerge> merges) {
        List<String> files = new ArrayList<>();
        for (FileMerge m : merges) {
            Map<Integer, List<MergedRegion>> byVersion = new TreeMap<>(); // oldest version first
            for (MergedRegion region : m.theirs()) {
                byVersion.computeIfAbsent(region.version(), v -> new ArrayList<>()).add(region);
            }
            List<String> versions = new ArrayList<>();
            byVersion.forEach((version, regions) -> {
                List<String> lines = new ArrayList<>();
                for (MergedRegion region : regions) {
                    lines.add(region.fromLine() == region.toLine() ? String.valueOf(region.fromLine())
                            : region.fromLine() + "-" + region.toLine());
                }
                String key = regions.get(0).idempotencyKey();
                versions.add("version " + version + " (line" + (lines.size() == 1 && !lines.get(0).contains("-")
                        ? " " : "s ") + String.join(", ", lines) + " changed" + (key == null ? "" : " by " + key)
                        + ")");
            });
            String with = versions.isEmpty() ? "version " + m.headVersion() : String.join(" and ", versions);
            files.add((merges.size() > 1 ? m.filename() + ": " : "") + "merged with " + with);
        }
        String readAgain = merges.size() == 1 ? "'" + merges.get(0).filename() + "'" : "these files";
        return "ok, " + String.join("; ", files) + ". Your change and theirs are both in the new version, based on"
                + " version " + merges.get(0).baseVersion() + " as you saw it; read " + readAgain + " again before you"
                + " rewrite it whole.";
    }

    /**
     * The message of a refused merge: the file, the versions, both sides of each conflicting region, nothing written,
     * and to read the file again and rewrite it.
     *
     * @param e the refused merge
     * @return the message
     */
    public static String conflict(MergeConflictException e) {
        StringBuilder out = new StringBuilder("conflict: '").append(e.filename()).append("' changed since version ")
                .append(e.baseVersion()).append(", which this write was based on, and version ").append(e.headVersion())
                .append(" changed ");
        if (e.conflicts().isEmpty()) {
            // not mergeable at all (not text, too large, no merger): the store's message says why
            return out.append("it in a way that cannot be merged: ").append(e.getMessage())
                    .append(". Nothing was written. Read the file again and rewrite it from version ")
                    .append(e.headVersion()).append('.').toString();
        }
        int n = e.conflicts().size();
        out.append(n == 1 ? "the same lines" : "the same lines in " + n + " places")
                .append(" differently. Nothing was written.");
        int shown = 0;
        for (var region : e.conflicts()) {
            if (shown == MAX_REGIONS) {
                out.append("\n(").append(n - shown).append(" more conflicting regions not shown)");
                break;
            }
            shown++;
            out.append("\n\nRegion ").append(shown).append(", ").append(lines(region.baseFromLine(),
                    region.baseToLine())).append(" of version ").append(e.baseVersion()).append(":\n");
            side(out, "<<<<<<< yours (this write)", region.ours());
            side(out, "======= version " + e.headVersion() + " (the artifact now)", region.theirs());
            out.append(">>>>>>>");
        }
        return out.append("\n\nRead '").append(e.filename()).append("' again (version ").append(e.headVersion())
                .append(") and rewrite it with both changes where they belong, or edit only the lines you mean to"
                        + " change.").toString();
    }

    /** {@code line 4}, {@code lines 4-6}, or for a region that replaced no line, {@code before line 4}. */
    private static String lines(int from, int to) {
        return to < from ? "before line " + from : from == to ? "line " + from : "lines " + from + "-" + to;
    }

    private static void side(StringBuilder out, String title, List<String> lines) {
        out.append(title).append('\n');
        int count = Math.min(lines.size(), MAX_SIDE_LINES);
        for (int i = 0; i < count; i++) {
            String line = lines.get(i);
            out.append(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "[… "
                    + (line.length() - MAX_LINE_CHARS) + " more characters]" : line).append('\n');
        }
        if (lines.size() > count) {
            out.append("(").append(lines.size() - count).append(" more lines)\n");
        }
    }
}
