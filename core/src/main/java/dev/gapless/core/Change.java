package dev.gapless.core;

import dev.gapless.core.internal.Summaries;
import dev.gapless.core.internal.TextEdits;
import dev.gapless.core.internal.V4a;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A change that turns one version's {@link Snapshot} into the next. Every version stores the change that produced
 * it, so the history is auditable: {@code content(k) = change(k).apply(content(k-1))}.
 *
 * <p>Besides whole files ({@link PutFile}, {@link CreateFile}, {@link DeleteFile}) a change can be an edit:
 * {@link EditFile} (replace a text), {@link InsertText} (insert after a line) or a V4A {@link Patch} of several
 * files. An edit is applied by the store to the <em>latest</em> content of its file, under the artifact's lock, so
 * concurrent edits of different parts of one file all land; an edit that no longer matches is rejected with
 * {@link InvalidChangeException} saying what was found, and nothing is written. The version stores the edit itself
 * and references the content it produced.
 *
 * <p>All implementations are immutable records and thread-safe. {@link #apply} is a pure function.
 */
public sealed interface Change permits Change.PutFile, Change.DeleteFile, Change.Batch, Change.CreateFile,
        Change.EditFile, Change.InsertText, Change.Patch {

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
     * Adds a file, or replaces the file of the same name, saying which version of it the writer saw. Under the
     * artifact's lock: if the file is unchanged since {@code baseVersion}, it is written as by {@link #put(CodeFile)};
     * if it changed, base, this write and the head are merged three ways. A clean merge is written and the result
     * says so ({@link AppendResult#merges()}); overlapping changes fail with {@link MergeConflictException}, nothing
     * written.
     *
     * @param file        the file, as the writer wants it
     * @param baseVersion the artifact version at which the writer saw {@code file.filename()}; 0 means before
     *                    version 1 (the file did not exist in the writer's view)
     * @return the change
     * @throws NullPointerException   if {@code file} is {@code null}
     * @throws InvalidChangeException ({@link InvalidChangeException.Reason#INVALID_FIELD}) if {@code baseVersion}
     *                                is negative
     */
    static Change put(CodeFile file, int baseVersion) {
        if (baseVersion < 0) {
            throw new InvalidChangeException(InvalidChangeException.Reason.INVALID_FIELD, "the base version of '"
                    + file.filename() + "' must be 0 or more, was " + baseVersion);
        }
        return new PutFile(file, baseVersion);
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
     * Creates a file that must not exist yet (the text editor's {@code create}): applying it to a snapshot that
     * has the file fails with {@link InvalidChangeException.Reason#FILE_EXISTS}.
     *
     * @param file the file
     * @return the change
     * @throws NullPointerException if {@code file} is {@code null}
     */
    static Change create(CodeFile file) {
        return new CreateFile(file);
    }

    /**
     * Replaces the only occurrence of {@code oldText} in a file by {@code newText}.
     *
     * @param filename the file
     * @param oldText  the exact text to replace, not empty
     * @param newText  its replacement, different from {@code oldText}
     * @return the change
     * @throws NullPointerException if an argument is {@code null}
     */
    static Change edit(String filename, String oldText, String newText) {
        return new EditFile(filename, oldText, newText, false);
    }

    /**
     * Replaces {@code oldText} in a file by {@code newText}: the only occurrence, or every occurrence when
     * {@code replaceAll}.
     *
     * @param filename   the file
     * @param oldText    the exact text to replace, not empty
     * @param newText    its replacement, different from {@code oldText}
     * @param replaceAll whether every occurrence is replaced (else it must occur exactly once)
     * @return the change
     * @throws NullPointerException if an argument is {@code null}
     */
    static Change edit(String filename, String oldText, String newText, boolean replaceAll) {
        return new EditFile(filename, oldText, newText, replaceAll);
    }

    /**
     * Inserts text after a line of a file.
     *
     * @param filename  the file
     * @param afterLine the line to insert after, from 1; 0 inserts at the top
     * @param text      the text, not empty
     * @return the change
     * @throws NullPointerException if an argument is {@code null}
     */
    static Change insert(String filename, int afterLine, String text) {
        return new InsertText(filename, afterLine, text);
    }

    /**
     * A patch in OpenAI's V4A format ({@code *** Begin Patch} … {@code *** End Patch}) that may add, delete,
     * update and move several files: applied all or nothing, as one version.
     *
     * @param text the patch
     * @return the change
     * @throws NullPointerException   if {@code text} is {@code null}
     * @throws InvalidChangeException ({@link InvalidChangeException.Reason#MALFORMED_PATCH}) if it is not a
     *                                well-formed patch, naming the line
     */
    static Change patch(String text) {
        return new Patch(text);
    }

    /**
     * Adds or replaces one file, optionally saying which version of it its writer saw ({@link #put(CodeFile, int)}).
     * {@link #apply} puts the file as given: the merge with changes made since the base happens in the store, under
     * the artifact's lock.
     *
     * @param file        the file to put
     * @param baseVersion the version the writer saw the file at (0: before version 1), or {@link #NO_BASE}
     */
    record PutFile(CodeFile file, int baseVersion) implements Change {

        /** The {@link #baseVersion} of a put that says nothing of its base: the last writer wins. */
        public static final int NO_BASE = -1;

        /**
         * Creates a {@code PutFile}.
         *
         * @param file        the file to put
         * @param baseVersion the version the writer saw the file at (0: before version 1), or {@link #NO_BASE}
         * @throws NullPointerException   if {@code file} is {@code null}
         * @throws InvalidChangeException if {@code baseVersion} is below {@link #NO_BASE}
         */
        public PutFile {
            Objects.requireNonNull(file, "file");
            if (baseVersion < NO_BASE) {
                throw new InvalidChangeException(InvalidChangeException.Reason.INVALID_FIELD, "the base version of '"
                        + file.filename() + "' must be 0 or more, was " + baseVersion);
            }
        }

        /**
         * A put without a base: the last writer wins.
         *
         * @param file the file to put
         * @throws NullPointerException if {@code file} is {@code null}
         */
        public PutFile(CodeFile file) {
            this(file, NO_BASE);
        }

        /**
         * Returns whether the writer said which version it saw.
         *
         * @return whether the writer said which version it saw
         */
        public boolean hasBase() {
            return baseVersion != NO_BASE;
        }

        @Override
        public Snapshot apply(Snapshot before) {
            return before.with(file);
        }

        @Override
        public String summary(Snapshot before) {
            return Summaries.put(file.filename(), before.contains(file.filename()));
        }
    }

    /**
     * Removes one file; applying it to a snapshot without that file fails.
     *
     * @param filename the file to remove
     */
    record DeleteFile(String filename) implements Change {
        /**
         * Creates a {@code DeleteFile}.
         *
         * @param filename the file to remove
         * @throws NullPointerException if {@code filename} is {@code null}
         */
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
            return Summaries.removed(filename);
        }
    }

    /**
     * Several changes, applied in order, producing a single version.
     *
     * @param changes the changes, at least one
     */
    record Batch(List<Change> changes) implements Change {
        /**
         * Creates a {@code Batch}.
         *
         * @param changes the changes, at least one
         * @throws NullPointerException if the list or an element is {@code null}
         */
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

    /**
     * Creates one file, which must not exist.
     *
     * @param file the file to create
     */
    record CreateFile(CodeFile file) implements Change {
        /**
         * Creates a {@code CreateFile}.
         *
         * @param file the file to create
         * @throws NullPointerException if {@code file} is {@code null}
         */
        public CreateFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public Snapshot apply(Snapshot before) {
            if (before.contains(file.filename())) {
                throw TextEdits.fileExists("create", file.filename(), null);
            }
            return before.with(file);
        }

        @Override
        public String summary(Snapshot before) {
            return "Created " + file.filename();
        }
    }

    /**
     * Replaces a text in one file: its only occurrence, or every occurrence with {@code replaceAll}.
     *
     * @param filename   the file
     * @param oldText    the exact text to replace
     * @param newText    its replacement
     * @param replaceAll whether every occurrence is replaced
     */
    record EditFile(String filename, String oldText, String newText, boolean replaceAll) implements Change {
        /**
         * Creates an {@code EditFile}.
         *
         * @param filename the file
         * @param oldText the exact text to replace
         * @param newText its replacement
         * @param replaceAll whether every occurrence is replaced
         * @throws NullPointerException if an argument is {@code null}
         */
        public EditFile {
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(oldText, "oldText");
            Objects.requireNonNull(newText, "newText");
        }

        @Override
        public Snapshot apply(Snapshot before) {
            CodeFile file = TextEdits.existing(before, "edit", filename);
            String text = TextEdits.replace(file.content(), oldText, newText, replaceAll, filename, null).text();
            return before.with(new CodeFile(filename, file.language(), text, file.description()));
        }

        @Override
        public String summary(Snapshot before) {
            CodeFile file = TextEdits.existing(before, "edit", filename);
            int count = TextEdits.replace(file.content(), oldText, newText, replaceAll, filename, null).count();
            return TextEdits.editSummary(filename, count);
        }
    }

    /**
     * Inserts text after a line of one file (0: at the top).
     *
     * @param filename  the file
     * @param afterLine the line to insert after
     * @param text      the text to insert
     */
    record InsertText(String filename, int afterLine, String text) implements Change {
        /**
         * Creates an {@code InsertText}.
         *
         * @param filename the file
         * @param afterLine the line to insert after
         * @param text the text to insert
         * @throws NullPointerException if an argument is {@code null}
         */
        public InsertText {
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public Snapshot apply(Snapshot before) {
            CodeFile file = TextEdits.existing(before, "insert into", filename);
            String result = TextEdits.insert(file.content(), afterLine, text, filename, null);
            return before.with(new CodeFile(filename, file.language(), result, file.description()));
        }

        @Override
        public String summary(Snapshot before) {
            int lines = TextEdits.insertedLines(text);
            return "Edited " + filename + " (inserted " + lines + (lines == 1 ? " line " : " lines ")
                    + (afterLine == 0 ? "at the top)" : "after line " + afterLine + ")");
        }
    }

    /**
     * A V4A patch of one or more files, applied all or nothing as one version.
     *
     * @param text the patch, {@code *** Begin Patch} to {@code *** End Patch}
     */
    record Patch(String text) implements Change {
        /**
         * Creates a {@code Patch}.
         *
         * @param text the patch, {@code Begin Patch} to {@code End Patch}
         * @throws NullPointerException   if {@code text} is {@code null}
         * @throws InvalidChangeException if it is not a well-formed patch
         */
        public Patch {
            Objects.requireNonNull(text, "text");
            V4a.parse(text);
        }

        @Override
        public Snapshot apply(Snapshot before) {
            Snapshot current = before;
            for (V4a.FileOp op : V4a.parse(text)) {
                if (op instanceof V4a.Add add) {
                    if (current.contains(add.path())) {
                        throw TextEdits.fileExists("add", add.path(), null);
                    }
                    current = current.with(CodeFile.of(add.path(), add.content()));
                } else if (op instanceof V4a.Delete delete) {
                    TextEdits.existing(current, "delete", delete.path());
                    current = current.without(delete.path());
                } else {
                    V4a.Update update = (V4a.Update) op;
                    CodeFile file = TextEdits.existing(current, "patch", update.path());
                    if (update.moveTo() != null && current.contains(update.moveTo())) {
                        throw TextEdits.fileExists("move '" + update.path() + "' to", update.moveTo(), null);
                    }
                    String result = V4a.apply(file.content(), update.hunks(), update.path(), null);
                    current = current.with(new CodeFile(update.target(), file.language(), result,
                            file.description()));
                    if (update.moveTo() != null) {
                        current = current.without(update.path());
                    }
                }
            }
            return current;
        }

        /**
         * The files the patch touches: each file it adds, deletes or updates and each move's target, once, in the
         * order the patch names them, in Unicode NFC (as they are stored).
         *
         * @return the filenames
         */
        public List<String> paths() {
            return V4a.paths(V4a.parse(text));
        }

        /**
         * What the patch does, by file: {@code "Patched a.txt"}, {@code "Patched 2 files (a.txt, b.txt -> c.txt)"},
         * then the files it removes, {@code "Removed old.txt"}; a file updated and then deleted is only removed,
         * and each file is named once.
         */
        @Override
        public String summary(Snapshot before) {
            Map<String, String> patched = new LinkedHashMap<>();
            Set<String> removed = new LinkedHashSet<>();
            for (V4a.FileOp op : V4a.parse(text)) {
                if (op instanceof V4a.Delete) {
                    patched.remove(op.path());
                    removed.add(op.path());
                } else if (op instanceof V4a.Update u && u.moveTo() != null) {
                    patched.remove(u.path());
                    removed.remove(u.moveTo());
                    patched.put(u.moveTo(), u.path() + " -> " + u.moveTo());
                } else {
                    removed.remove(op.path());
                    patched.putIfAbsent(op.path(), op.path());
                }
            }
            List<String> parts = new ArrayList<>();
            if (!patched.isEmpty()) {
                parts.add(files("Patched", List.copyOf(patched.values())));
            }
            if (!removed.isEmpty()) {
                parts.add(files("Removed", List.copyOf(removed)));
            }
            return String.join("; ", parts);
        }

        private static String files(String verb, List<String> names) {
            if (names.size() == 1) {
                return verb + " " + names.get(0);
            }
            int shown = Math.min(names.size(), 5);
            return verb + " " + names.size() + " files (" + String.join(", ", names.subList(0, shown))
                    + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "") + ")";
        }
    }
}
