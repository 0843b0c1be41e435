package dev.gapless.core.internal;

import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.InvalidChangeException.Reason;
import java.nio.charset.StandardCharsets;

/**
 * Checks every input before any I/O, so that bad input gets a specific error and changes nothing. Immutable and
 * thread-safe.
 */
public final class InputValidator {

    /** Longest filename accepted, in Unicode code points (at most 2 KiB of UTF-8: it is indexed). */
    public static final int MAX_FILENAME_LENGTH = 512;
    /** Longest chat id or type accepted, in code points (the two share a unique index, within its 2.7 KB limit). */
    public static final int MAX_ID_LENGTH = 256;
    /** Longest idempotency key accepted, in code points (at most 800 bytes of UTF-8: it is indexed). */
    public static final int MAX_KEY_LENGTH = 200;
    /** Longest title, language or description accepted, in code points. */
    public static final int MAX_FIELD_LENGTH = 1024;
    /** A patch may be this many times the per-file limit (it may carry several files). */
    public static final int MAX_PATCH_FILES = 16;

    private final int maxContentBytes;

    /**
     * @param maxContentBytes the largest content accepted for one file, in UTF-8 bytes
     */
    public InputValidator(int maxContentBytes) {
        if (maxContentBytes <= 0) {
            throw new IllegalArgumentException("maxContentBytes must be positive, was " + maxContentBytes);
        }
        this.maxContentBytes = maxContentBytes;
    }

    /**
     * Validates a change and everything in it.
     *
     * @param change the change
     * @throws InvalidChangeException naming the field and the rule broken
     */
    public void validate(Change change) {
        if (change instanceof Change.PutFile put) {
            validate(put.file());
        } else if (change instanceof Change.CreateFile create) {
            validate(create.file());
        } else if (change instanceof Change.DeleteFile delete) {
            validateFilename(delete.filename());
        } else if (change instanceof Change.EditFile edit) {
            validateFilename(edit.filename());
            String where = " of the edit of '" + edit.filename() + "'";
            if (edit.oldText().isEmpty()) {
                throw new InvalidChangeException(Reason.INVALID_EDIT, "the text to replace" + where + " is empty;"
                        + " give the exact text to replace (to add text, insert it after a line)");
            }
            if (edit.oldText().equals(edit.newText())) {
                throw new InvalidChangeException(Reason.INVALID_EDIT, "the new text" + where + " is the same as"
                        + " the text to replace: the edit would change nothing");
            }
            requireText("the text to replace" + where, edit.oldText());
            requireText("the new text" + where, edit.newText());
        } else if (change instanceof Change.InsertText insert) {
            validateFilename(insert.filename());
            String where = " of the insert into '" + insert.filename() + "'";
            if (insert.afterLine() < 0) {
                throw new InvalidChangeException(Reason.LINE_OUT_OF_RANGE, "the line to insert after" + where
                        + " is " + insert.afterLine() + "; it must be 0 (the top) or more");
            }
            if (insert.text().isEmpty()) {
                throw new InvalidChangeException(Reason.INVALID_EDIT, "the text" + where + " is empty: the insert"
                        + " would change nothing");
            }
            requireText("the text" + where, insert.text());
        } else if (change instanceof Change.Patch patch) {
            validate(patch);
        } else {
            Change.Batch batch = (Change.Batch) change;
            if (batch.changes().isEmpty()) {
                throw new InvalidChangeException(Reason.EMPTY_BATCH, "a batch must hold at least one change");
            }
            for (Change inner : batch.changes()) {
                validate(inner);
            }
        }
    }

    /** A patch: its size, no NUL, and every path it names; each added file as {@link #validate(CodeFile)}. */
    private void validate(Change.Patch patch) {
        long limit = (long) maxContentBytes * MAX_PATCH_FILES;
        if ((long) patch.text().length() * 3 > limit) {
            int bytes = patch.text().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > limit) {
                throw new InvalidChangeException(Reason.CONTENT_TOO_LARGE, "the patch is " + bytes + " bytes, over"
                        + " the limit of " + limit + " bytes");
            }
        }
        requireNoNul("the patch", patch.text());
        for (V4a.FileOp op : V4a.parse(patch.text())) {
            if (op instanceof V4a.Add add) {
                validate(CodeFile.of(add.path(), add.content()));
            } else {
                validateFilename(op.path());
            }
            if (op instanceof V4a.Update update && update.moveTo() != null) {
                validateFilename(update.moveTo());
            }
        }
    }

    /** A text an edit carries: no NUL, within the per-file limit. */
    private void requireText(String name, String text) {
        requireNoNul(name, text);
        if ((long) text.length() * 3 > maxContentBytes) {
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxContentBytes) {
                throw new InvalidChangeException(Reason.CONTENT_TOO_LARGE, name + " is " + bytes + " bytes, over the"
                        + " limit of " + maxContentBytes + " bytes");
            }
        }
    }

    /**
     * Validates one file.
     *
     * @param file the file
     * @throws InvalidChangeException naming the field and the rule broken
     */
    public void validate(CodeFile file) {
        validateFilename(file.filename());
        String where = " of '" + file.filename() + "'";
        requireNoNul("content" + where, file.content());
        requireNoNul("language" + where, file.language());
        requireNoNul("description" + where, file.description());
        requireMaxLength("language" + where, file.language(), MAX_FIELD_LENGTH);
        requireMaxLength("description" + where, file.description(), MAX_FIELD_LENGTH);
        // cheap upper bound first: a UTF-8 encoding has at most 3 bytes per UTF-16 char
        if ((long) file.content().length() * 3 > maxContentBytes) {
            int bytes = file.content().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxContentBytes) {
                throw new InvalidChangeException(Reason.CONTENT_TOO_LARGE, "content" + where + " is " + bytes
                        + " bytes, over the limit of " + maxContentBytes + " bytes");
            }
        }
    }

    /**
     * Validates a filename: a relative path with no empty, {@code .} or {@code ..} segment and no control
     * character.
     *
     * @param filename the filename
     * @throws InvalidChangeException naming the rule broken
     */
    public void validateFilename(String filename) {
        if (filename == null || filename.isBlank()) {
            throw new InvalidChangeException(Reason.BLANK_FILENAME, "filename must not be blank");
        }
        for (int i = 0; i < filename.length(); i++) {
            char c = filename.charAt(i);
            if (c == '\0') {
                throw new InvalidChangeException(Reason.NUL_CHARACTER,
                        "filename must not contain the NUL character (at index " + i + ")");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidChangeException(Reason.CONTROL_CHARACTER, String.format(
                        "filename must not contain control characters (U+%04X at index %d)", (int) c, i));
            }
        }
        int length = filename.codePointCount(0, filename.length());
        if (length > MAX_FILENAME_LENGTH) {
            throw new InvalidChangeException(Reason.MALFORMED_PATH, "filename is " + length
                    + " characters, over the limit of " + MAX_FILENAME_LENGTH);
        }
        if (filename.startsWith("/") || filename.startsWith("\\")
                || (filename.length() >= 2 && filename.charAt(1) == ':' && Character.isLetter(filename.charAt(0)))) {
            throw new InvalidChangeException(Reason.ABSOLUTE_PATH,
                    "filename must be a relative path, was '" + filename + "'");
        }
        String[] segments = filename.split("[/\\\\]", -1);
        for (String segment : segments) {
            if (segment.equals("..")) {
                throw new InvalidChangeException(Reason.PATH_TRAVERSAL,
                        "filename must not contain '..' segments, was '" + filename + "'");
            }
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || !segment.strip().equals(segment)) {
                throw new InvalidChangeException(Reason.MALFORMED_PATH, "filename has an empty, '.' or"
                        + " space-padded path segment, was '" + filename + "'");
            }
        }
    }

    /**
     * Validates a short text field such as a chat id, type, title or idempotency key.
     *
     * @param name      the field's name, for the message
     * @param value     the value
     * @param nonBlank  whether a blank value is rejected
     * @param maxLength the most code points accepted
     * @throws InvalidChangeException naming the field and the rule broken
     */
    public void validateField(String name, String value, boolean nonBlank, int maxLength) {
        if (value == null || (nonBlank && value.isBlank())) {
            throw new InvalidChangeException(Reason.INVALID_FIELD, name + " must not be blank");
        }
        requireNoNul(name, value);
        requireMaxLength(name, value, maxLength);
    }

    private static void requireNoNul(String name, String value) {
        int at = value.indexOf('\0');
        if (at >= 0) {
            throw new InvalidChangeException(Reason.NUL_CHARACTER, name
                    + " must not contain the NUL character (U+0000 at index " + at + "): PostgreSQL cannot store it");
        }
    }

    private static void requireMaxLength(String name, String value, int maxLength) {
        if (value.length() > maxLength) {
            int length = value.codePointCount(0, value.length());
            if (length > maxLength) {
                throw new InvalidChangeException(Reason.INVALID_FIELD, name + " is " + length
                        + " characters, over the limit of " + maxLength);
            }
        }
    }
}
