package dev.gapless.text;

import java.util.List;

/**
 * One hunk of a file's diff, as git prints it ({@code @@ -oldStart,oldCount +newStart,newCount @@}): lines are
 * numbered from 1, and a start is 0 only when its count is 0 (an added or emptied file). Immutable and thread-safe.
 *
 * @param oldStart the first line in the older version
 * @param oldCount the lines of the older version the hunk covers
 * @param newStart the first line in the newer version
 * @param newCount the lines of the newer version the hunk covers
 * @param lines    its lines in order: up to 3 of context around each change
 */
public record Hunk(int oldStart, int oldCount, int newStart, int newCount, List<DiffLine> lines) {

    /**
     * Copies the list.
     *
     * @param oldStart the first line in the older version
     * @param oldCount the lines of the older version the hunk covers
     * @param newStart the first line in the newer version
     * @param newCount the lines of the newer version the hunk covers
     * @param lines    its lines in order: up to 3 of context around each change
     */
    public Hunk {
        lines = List.copyOf(lines);
    }
}
