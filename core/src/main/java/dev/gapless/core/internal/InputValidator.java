package dev.gapless.core.internal;

import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.InvalidChangeException.Reason;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks every input before any I/O, so that bad input gets a specific error and changes nothing. Immutable and
 * thread-safe.
 *
 * <p>The filename policy, one rule each:
 * <ul>
 *   <li>filenames are compared and stored in Unicode NFC ({@link #normalize}), so {@code ü.txt} typed as one code
 *       point or as {@code u} plus a combining diaeresis names one file;</li>
 *   <li>a relative path of {@code /}-separated segments (a {@code \} separates too), none empty, {@code .} or
 *       {@code ..}, none starting or ending with a space of any kind (so none made only of spaces, NBSP and
 *       U+2003 alike) or ending with a dot;</li>
 *   <li>no control character (C0, DEL, C1), line or paragraph separator, and no invisible or formatting character
 *       (Unicode category Cf: bidirectional overrides such as U+202E, zero-width spaces and joiners, U+FEFF, soft
 *       hyphens), which would make two different names look alike;</li>
 *   <li>no segment that Windows reserves for a device ({@code CON}, {@code PRN}, {@code AUX}, {@code NUL},
 *       {@code COM0}–{@code COM9}, {@code LPT0}–{@code LPT9}, with or without an extension, in any case), so that
 *       every artifact can be written out on every system;</li>
 *   <li>lengths count Unicode code points, everywhere (an emoji is one character).</li>
 * </ul>
 * Every text value (content, names, keys) must be well-formed UTF-16: a lone surrogate is rejected, never stored as
 * {@code ?}.
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
     * The change with every filename in Unicode NFC; the same instance when they already are.
     *
     * @param change the change
     * @return the normalized change
     */
    public static Change normalize(Change change) {
        if (change instanceof Change.PutFile put) {
            String name = normalizeFilename(put.file().filename());
            return name.equals(put.file().filename()) ? change : new Change.PutFile(new CodeFile(name,
                    put.file().language(), put.file().content(), put.file().description()), put.baseVersion());
        } else if (change instanceof Change.DeleteFile delete) {
            String name = normalizeFilename(delete.filename());
            return name.equals(delete.filename()) ? change : Change.delete(name);
        } else if (change instanceof Change.CreateFile create) {
            String name = normalizeFilename(create.file().filename());
            return name.equals(create.file().filename()) ? change : new Change.CreateFile(new CodeFile(name,
                    create.file().language(), create.file().content(), create.file().description()));
        } else if (change instanceof Change.EditFile edit) {
            String name = normalizeFilename(edit.filename());
            return name.equals(edit.filename()) ? change
                    : new Change.EditFile(name, edit.oldText(), edit.newText(), edit.replaceAll());
        } else if (change instanceof Change.InsertText insert) {
            String name = normalizeFilename(insert.filename());
            return name.equals(insert.filename()) ? change
                    : new Change.InsertText(name, insert.afterLine(), insert.text());
        } else if (change instanceof Change.Patch) {
            return change; // a patch names its files inside its text; they are validated, not rewritten
        }
        List<Change> inner = ((Change.Batch) change).changes();
        List<Change> normalized = new ArrayList<>(inner.size());
        boolean same = true;
        for (Change c : inner) {
            Change n = normalize(c);
            same &= n == c;
            normalized.add(n);
        }
        return same ? change : Change.batch(normalized);
    }

    /**
     * A filename in Unicode NFC (a name with a lone surrogate is returned as it is, for validation to reject).
     *
     * @param filename the filename, or {@code null}
     * @return the normalized filename
     */
    public static String normalizeFilename(String filename) {
        if (filename == null || Normalizer.isNormalized(filename, Normalizer.Form.NFC)) {
            return filename;
        }
        return Normalizer.normalize(filename, Normalizer.Form.NFC);
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
            requireEditText("the text to replace" + where, edit.oldText());
            requireEditText("the new text" + where, edit.newText());
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
            requireEditText("the text" + where, insert.text());
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
        requireWellFormed("the patch", patch.text());
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

    /** A text an edit carries: valid Unicode, no NUL, within the per-file limit. */
    private void requireEditText(String name, String text) {
        requireWellFormed(name, text);
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
        requireText("content" + where, file.content());
        requireText("language" + where, file.language());
        requireText("description" + where, file.description());
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
     * Validates a filename against the policy in the class comment.
     *
     * @param filename the filename (normalize it first: the rules apply to the stored form)
     * @throws InvalidChangeException naming the rule broken
     */
    public void validateFilename(String filename) {
        if (filename == null || filename.isBlank()) {
            throw new InvalidChangeException(Reason.BLANK_FILENAME, "filename must not be blank");
        }
        requireWellFormed("filename", filename);
        for (int i = 0; i < filename.length(); ) {
            int c = filename.codePointAt(i);
            if (c == 0) {
                throw new InvalidChangeException(Reason.NUL_CHARACTER,
                        "filename must not contain the NUL character (at index " + i + ")");
            }
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                throw new InvalidChangeException(Reason.CONTROL_CHARACTER, String.format(
                        "filename must not contain control characters (U+%04X at index %d)", c, i));
            }
            if (type == Character.FORMAT) {
                throw new InvalidChangeException(Reason.INVISIBLE_CHARACTER, String.format("filename must not"
                        + " contain invisible or formatting characters such as bidirectional overrides or zero-width"
                        + " spaces (U+%04X %s at index %d)", c, Character.getName(c), i));
            }
            i += Character.charCount(c);
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
            if (segment.isEmpty() || segment.equals(".") || isSpace(segment.codePointAt(0))
                    || isSpace(segment.codePointBefore(segment.length())) || segment.endsWith(".")) {
                throw new InvalidChangeException(Reason.MALFORMED_PATH, "filename has an empty, '.', dot-ended or"
                        + " space-padded path segment, was '" + filename + "'");
            }
            String stem = segment.contains(".") ? segment.substring(0, segment.indexOf('.')) : segment;
            if (WINDOWS_DEVICES.matcher(stem).matches()) {
                throw new InvalidChangeException(Reason.RESERVED_NAME, "filename has the segment '" + segment
                        + "', a device name Windows reserves; the artifact could not be written out there");
            }
        }
    }

    private static final Pattern WINDOWS_DEVICES = Pattern.compile("(?i)(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])");

    /** Any kind of space: ASCII or Unicode whitespace, or a space separator such as NBSP. */
    private static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
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
        requireText(name, value);
        requireMaxLength(name, value, maxLength);
    }

    /** Text that PostgreSQL can store exactly: well-formed UTF-16 and no NUL. */
    private static void requireText(String name, String value) {
        requireWellFormed(name, value);
        requireNoNul(name, value);
    }

    /** Rejects a lone surrogate: PostgreSQL would store it as '?', silently changing the text. */
    private static void requireWellFormed(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidChangeException(Reason.MALFORMED_UNICODE, String.format("%s is not valid Unicode:"
                        + " a lone surrogate U+%04X at index %d", name, (int) c, i));
            }
        }
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
