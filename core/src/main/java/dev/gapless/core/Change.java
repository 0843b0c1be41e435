package dev.gapless.core;

import java.util.List;
import java.util.Objects;

/**
 * A change that turns one version's {@link Snapshot} into the next. Every version stores the change that produced
 * it, so the history is auditable: {@code content(k) = change(k).apply(content(k-1))}.
 *
 * <p>All implementations are immutable records and thread-safe. {@link #apply} is a pure function.
 */
public sealed interface Change permits Change.PutFile, Change.DeleteFile, Change.Batch {

    /**
     * Applies this change to a snapshot.
     *
     * @param before the snapshot of the previous version
     * @return the snapshot of the new version
     * @throws InvalidChangeException if the change cannot apply to {@code before} (deleting a missing file)
     */
    Snapshot apply(Snapshot before);

    /**
     * A one-line, human-readable summary such as {@code "Added main.cpp"}, {@code "Updated main.cpp"} or
     * {@code "Removed notes.txt"}.
     *
     * @param before the snapshot the change applies to (it decides between "Added" and "Updated")
     * @return the summary
     */
    String summary(Snapshot before);

    /**
     * Adds a file, or replaces the file of the same name.
     *
     * @param file the file
     * @return the change
     * @throws NullPointerException if {@code file} is {@code null}
     */
    static Change put(CodeFile file) {
        return new PutFile(file);
    }

    /**
     * Removes a file.
     *
     * @param filename the file's name
     * @return the change
     * @throws NullPointerException if {@code filename} is {@code null}
     */
    static Change delete(String filename) {
        return new DeleteFile(filename);
    }

    /**
     * Several changes applied in order as one version.
     *
     * @param changes the changes
     * @return the change
     * @throws NullPointerException if the list or an element is {@code null}
     */
    static Change batch(List<? extends Change> changes) {
        return new Batch(List.copyOf(changes));
    }

    /**
     * Adds or replaces one file.
     *
     * @param file the file to put
     */
    record PutFile(CodeFile file) implements Change {
        /** @throws NullPointerException if {@code file} is {@code null} */
        public PutFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public Snapshot apply(Snapshot before) {
            return before.with(file);
        }

        @Override
        public String summary(Snapshot before) {
            return (before.contains(file.filename()) ? "Updated " : "Added ") + file.filename();
        }
    }

    /**
     * Removes one file; applying it to a snapshot without that file fails.
     *
     * @param filename the file to remove
     */
    record DeleteFile(String filename) implements Change {
        /** @throws NullPointerException if {@code filename} is {@code null} */
        public DeleteFile {
            Objects.requireNonNull(filename, "filename");
        }

        @Override
        public Snapshot apply(Snapshot before) {
            if (!before.contains(filename)) {
                throw new InvalidChangeException(InvalidChangeException.Reason.NO_SUCH_FILE,
                        "cannot delete '" + filename + "': the artifact has no such file");
            }
            return before.without(filename);
        }

        @Override
        public String summary(Snapshot before) {
            return "Removed " + filename;
        }
    }

    /**
     * Several changes, applied in order, producing a single version.
     *
     * @param changes the changes, at least one
     */
    record Batch(List<Change> changes) implements Change {
        /** @throws NullPointerException if the list or an element is {@code null} */
        public Batch {
            changes = List.copyOf(changes);
        }

        @Override
        public Snapshot apply(Snapshot before) {
            Snapshot current = before;
            for (Change change : changes) {
                current = change.apply(current);
            }
            return current;
        }

        @Override
        public String summary(Snapshot before) {
            Snapshot current = before;
            StringBuilder out = new StringBuilder();
            for (Change change : changes) {
                if (!out.isEmpty()) {
                    out.append("; ");
                }
                out.append(change.summary(current));
                current = change.apply(current);
            }
            return out.toString();
        }
    }
}
