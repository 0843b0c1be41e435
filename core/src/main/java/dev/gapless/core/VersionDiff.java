package dev.gapless.core;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The files that differ between two versions of an artifact, by filename (Unicode code point order), with their
 * contents on both sides. Only the files that differ are read, so a diff costs what it holds, not what the artifact
 * holds. Render it as a unified diff with {@code dev.gapless.text.UnifiedDiff} (module {@code gapless-text}).
 * Immutable and thread-safe.
 *
 * @param artifactId the artifact
 * @param from       the older side's version (0: the empty artifact before version 1)
 * @param to         the newer side's version
 * @param files      the files that differ, sorted by name
 */
public record VersionDiff(UUID artifactId, int from, int to, List<ChangedFile> files) {

    /**
     * Creates a {@code VersionDiff}.
     *
     * @param artifactId the artifact
     * @param from       the older side's version (0: the empty artifact before version 1)
     * @param to         the newer side's version
     * @param files      the files that differ, sorted by name
     * @throws NullPointerException if an argument is {@code null}
     */
    public VersionDiff {
        Objects.requireNonNull(artifactId, "artifactId");
        files = List.copyOf(files);
    }

    /**
     * Whether the two versions hold the same files.
     *
     * @return {@code true} when no file differs
     */
    public boolean isEmpty() {
        return files.isEmpty();
    }
}
