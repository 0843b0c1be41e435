package dev.gapless.core;

import java.util.List;

/**
 * A whole-file write carried a base version ({@link Change#put(CodeFile, int)}), the file had changed since, and the
 * changes could not be merged: they overlap ({@link #conflicts()} lists the regions, with both sides), or the file
 * cannot be merged at all (it is not text, it is over the merge size limit, or no merger is on the class path; then
 * {@link #conflicts()} is empty and the message says why). Nothing was written ({@link Outcome#NOT_APPLIED}); never
 * retried, since a retry merges the same texts. The caller reads the file again and rewrites it. Immutable.
 */
public final class MergeConflictException extends GaplessException {

    /** The file whose merge failed. */
    private final String filename;
    /** The version the write was based on. */
    private final int baseVersion;
    /** The head version the write met. */
    private final int headVersion;
    private final transient List<ConflictRegion> conflicts;

    /**
     * A merge whose changes overlap.
     *
     * @param filename    the file
     * @param baseVersion the version the writer saw
     * @param headVersion the head version it was merged with
     * @param conflicts   the overlapping regions, at least one
     * @throws NullPointerException if {@code filename} or {@code conflicts} is {@code null}
     */
    public MergeConflictException(String filename, int baseVersion, int headVersion, List<ConflictRegion> conflicts) {
        this(filename, baseVersion, headVersion, conflicts, "'" + filename + "' was written from version "
                + baseVersion + " but changed by version " + headVersion + ", and " + conflicts.size()
                + (conflicts.size() == 1 ? " region conflicts" : " regions conflict") + "; nothing was written");
    }

    /**
     * A file that cannot be merged at all.
     *
     * @param filename    the file
     * @param baseVersion the version the writer saw
     * @param headVersion the head version
     * @param reason      why it cannot be merged, e.g. "it is not text (it contains a NUL character)"
     * @throws NullPointerException if {@code filename} or {@code reason} is {@code null}
     */
    public MergeConflictException(String filename, int baseVersion, int headVersion, String reason) {
        this(filename, baseVersion, headVersion, List.of(), "'" + filename + "' was written from version "
                + baseVersion + " but changed by version " + headVersion + ", and cannot be merged: " + reason
                + "; nothing was written");
    }

    private MergeConflictException(String filename, int baseVersion, int headVersion, List<ConflictRegion> conflicts,
                                   String message) {
        super(message, null, Outcome.NOT_APPLIED);
        this.filename = filename;
        this.baseVersion = baseVersion;
        this.headVersion = headVersion;
        this.conflicts = List.copyOf(conflicts);
    }

    /**
     * Returns the file.
     *
     * @return the file
     */
    public String filename() {
        return filename;
    }

    /**
     * Returns the version the writer saw.
     *
     * @return the version the writer saw
     */
    public int baseVersion() {
        return baseVersion;
    }

    /**
     * Returns the head version the write met.
     *
     * @return the head version the write met
     */
    public int headVersion() {
        return headVersion;
    }

    /**
     * Returns the overlapping regions; empty when the file cannot be merged at all (see the message).
     *
     * @return the overlapping regions; empty when the file cannot be merged at all (see the message)
     */
    public List<ConflictRegion> conflicts() {
        return conflicts;
    }
}
