package dev.gapless.core;

import java.util.List;
import java.util.Objects;

/**
 * How one whole-file write was merged with changes its writer had not seen: the file was put with a base version
 * ({@link Change#put(CodeFile, int)}), the file had changed since, and the three-way merge of base, this write and
 * the head was clean. Immutable and thread-safe.
 *
 * @param filename    the file
 * @param baseVersion the version the writer saw (0: before version 1, the file did not exist in its view)
 * @param headVersion the head version whose file this write was merged onto
 * @param theirs      the regions of the merged result that came from other writers' versions, in line order
 */
public record FileMerge(String filename, int baseVersion, int headVersion, List<MergedRegion> theirs) {

    /**
     * Creates a {@code FileMerge}.
     *
     * @param filename    the file
     * @param baseVersion the version the writer saw (0: before version 1, the file did not exist in its view)
     * @param headVersion the head version whose file this write was merged onto
     * @param theirs      the regions of the merged result that came from other writers' versions, in line order
     * @throws NullPointerException if {@code filename} or {@code theirs} is {@code null}
     */
    public FileMerge {
        Objects.requireNonNull(filename, "filename");
        theirs = List.copyOf(theirs);
    }
}
