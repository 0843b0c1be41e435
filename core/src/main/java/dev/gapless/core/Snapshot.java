package dev.gapless.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The complete set of files of one version of an artifact, in the order in which they were first added.
 *
 * <p>Filenames are unique within a snapshot. Immutable and thread-safe; the "with"/"without" methods return new
 * snapshots.
 *
 * @param files the files, in order; copied
 */
public record Snapshot(List<CodeFile> files) {

    private static final Snapshot EMPTY = new Snapshot(List.of());

    /**
     * Creates a snapshot.
     *
     * @param files the files, in order; copied
     * @throws NullPointerException     if {@code files} or an element is {@code null}
     * @throws IllegalArgumentException if two files share a filename
     */
    public Snapshot {
        files = List.copyOf(files);
        var seen = new java.util.HashSet<String>();
        for (CodeFile file : files) {
            if (!seen.add(file.filename())) {
                throw new IllegalArgumentException("duplicate filename in snapshot: " + file.filename());
            }
        }
    }

    /**
     * The snapshot of an artifact before its first version.
     *
     * @return the empty snapshot
     */
    public static Snapshot empty() {
        return EMPTY;
    }

    /**
     * Finds a file by name.
     *
     * @param filename the file's name
     * @return the file, or empty when the snapshot has no such file
     */
    public Optional<CodeFile> find(String filename) {
        for (CodeFile file : files) {
            if (file.filename().equals(filename)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether a file of that name exists.
     *
     * @param filename the file's name
     * @return {@code true} when present
     */
    public boolean contains(String filename) {
        return find(filename).isPresent();
    }

    /**
     * Returns a snapshot with {@code file} added, or replacing the file of the same name in place.
     *
     * @param file the file to put
     * @return the new snapshot
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public Snapshot with(CodeFile file) {
        Objects.requireNonNull(file, "file");
        List<CodeFile> next = new ArrayList<>(files.size() + 1);
        boolean replaced = false;
        for (CodeFile existing : files) {
            if (existing.filename().equals(file.filename())) {
                next.add(file);
                replaced = true;
            } else {
                next.add(existing);
            }
        }
        if (!replaced) {
            next.add(file);
        }
        return new Snapshot(next);
    }

    /**
     * Returns a snapshot without the file of that name (the same snapshot when there is none).
     *
     * @param filename the file's name
     * @return the new snapshot
     */
    public Snapshot without(String filename) {
        List<CodeFile> next = new ArrayList<>(files.size());
        for (CodeFile existing : files) {
            if (!existing.filename().equals(filename)) {
                next.add(existing);
            }
        }
        return next.size() == files.size() ? this : new Snapshot(next);
    }

    /**
     * The filenames, in order.
     *
     * @return an immutable list of filenames
     */
    public List<String> filenames() {
        return files.stream().map(CodeFile::filename).toList();
    }

    /**
     * The number of files.
     *
     * @return the number of files
     */
    public int size() {
        return files.size();
    }
}
