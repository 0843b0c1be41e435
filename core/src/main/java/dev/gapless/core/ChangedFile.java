package dev.gapless.core;

import java.util.Objects;

/**
 * One file that differs between two versions: its state in the older ("before") and the newer ("after") version of
 * a {@link VersionDiff}. Immutable and thread-safe.
 *
 * @param filename the file's name
 * @param before   the file in the "from" version, or {@code null} when it was added
 * @param after    the file in the "to" version, or {@code null} when it was deleted
 */
public record ChangedFile(String filename, CodeFile before, CodeFile after) {

    /** How a file changed. */
    public enum Kind {
        /** Absent before, present after. */
        ADDED,
        /** Present before, absent after. */
        DELETED,
        /** Present in both, with another content, language or description. */
        MODIFIED
    }

    /**
     * Creates a {@code ChangedFile}.
     *
     * @param filename the file's name
     * @param before   the file in the "from" version, or {@code null} when it was added
     * @param after    the file in the "to" version, or {@code null} when it was deleted
     * @throws NullPointerException     if {@code filename} is {@code null}
     * @throws IllegalArgumentException if both sides are {@code null}
     */
    public ChangedFile {
        Objects.requireNonNull(filename, "filename");
        if (before == null && after == null) {
            throw new IllegalArgumentException("a changed file exists on at least one side: " + filename);
        }
    }

    /**
     * How the file changed.
     *
     * @return added, deleted or modified
     */
    public Kind kind() {
        return before == null ? Kind.ADDED : after == null ? Kind.DELETED : Kind.MODIFIED;
    }
}
