package dev.gapless.core;

import java.util.List;

/**
 * One region where a write and the changes made since its base overlap: the base's lines, what this write made of
 * them and what the head has there. Immutable and thread-safe.
 *
 * @param baseFromLine the first line of the region in the base, from 1 (for an insertion, the line it goes before)
 * @param baseToLine   the last line of the region in the base, inclusive ({@code baseFromLine - 1} for an insertion)
 * @param base         the base's lines of the region, without line terminators
 * @param ours         this write's lines for the region
 * @param theirs       the head's lines for the region
 */
public record ConflictRegion(int baseFromLine, int baseToLine, List<String> base, List<String> ours,
                             List<String> theirs) {

    /**
     * Creates a {@code ConflictRegion}.
     *
     * @param baseFromLine the first line of the region in the base, from 1 (for an insertion, the line it goes
     *                     before)
     * @param baseToLine   the last line of the region in the base, inclusive ({@code baseFromLine - 1} for an
     *                     insertion)
     * @param base         the base's lines of the region, without line terminators
     * @param ours         this write's lines for the region
     * @param theirs       the head's lines for the region
     * @throws NullPointerException if a list or an element is {@code null}
     */
    public ConflictRegion {
        base = List.copyOf(base);
        ours = List.copyOf(ours);
        theirs = List.copyOf(theirs);
    }
}
