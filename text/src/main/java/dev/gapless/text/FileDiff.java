package dev.gapless.text;

import dev.gapless.core.ChangedFile;
import java.util.List;
import java.util.Objects;

/**
 * One file's part of a diff: structured hunks and the same as git's unified diff text. Immutable and thread-safe.
 *
 * @param filename the file
 * @param kind     added, deleted or modified
 * @param hunks    its hunks (none for an empty file added or deleted, or when only its language or description
 *                 changed)
 * @param unified  its part of the unified diff, from {@code diff --git} on; empty when the content did not change
 */
public record FileDiff(String filename, ChangedFile.Kind kind, List<Hunk> hunks, String unified) {

    /**
     * Creates a {@code FileDiff}.
     *
     * @param filename the file
     * @param kind     added, deleted or modified
     * @param hunks    its hunks (none for an empty file added or deleted, or when only its language or description
     *                 changed)
     * @param unified  its part of the unified diff, from {@code diff --git} on; empty when the content did not change
     * @throws NullPointerException if an argument is {@code null}
     */
    public FileDiff {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(kind, "kind");
        hunks = List.copyOf(hunks);
        Objects.requireNonNull(unified, "unified");
    }

    /**
     * The lines added.
     *
     * @return how many
     */
    public int added() {
        return count(DiffLine.Type.ADDED);
    }

    /**
     * The lines removed.
     *
     * @return how many
     */
    public int removed() {
        return count(DiffLine.Type.REMOVED);
    }

    private int count(DiffLine.Type type) {
        return (int) hunks.stream().flatMap(h -> h.lines().stream()).filter(l -> l.type() == type).count();
    }
}
