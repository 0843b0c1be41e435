package dev.gapless.core;

import java.util.Objects;

/**
 * The input of a call was rejected and nothing was written: a blank or unsafe filename, a NUL or control character,
 * content over the configured limit, an empty batch, an empty or no-op edit, a malformed patch (all checked before
 * any I/O), or, found under the artifact's lock, a delete or edit of a file the artifact does not have, a create of
 * one it has, an edit that no longer matches the latest content, or a change that would take the artifact past its
 * file-count or size limit. The {@link #reason()} says which; the message says what was found (counts, line numbers,
 * the version read).
 */
public final class InvalidChangeException extends GaplessException {

    /** Why the input was rejected. */
    public enum Reason {
        /** The filename is {@code null}, empty or only whitespace. */
        BLANK_FILENAME,
        /** The filename has a {@code ..} segment. */
        PATH_TRAVERSAL,
        /** The filename starts with {@code /}, {@code \} or a drive letter. */
        ABSOLUTE_PATH,
        /** The filename has an empty or {@code .} segment, a trailing slash, or is too long. */
        MALFORMED_PATH,
        /** The filename has a control character (C0, DEL, C1) or a line or paragraph separator. */
        CONTROL_CHARACTER,
        /**
         * The filename has an invisible or formatting character: a bidirectional override or isolate, a zero-width
         * space or joiner, a byte-order mark, a soft hyphen (Unicode category Cf).
         */
        INVISIBLE_CHARACTER,
        /** A path segment is a name Windows reserves for devices ({@code CON}, {@code NUL}, {@code COM1}, …). */
        RESERVED_NAME,
        /** A text value is not well-formed UTF-16: a lone surrogate, which no Unicode encoding can store. */
        MALFORMED_UNICODE,
        /** A text value has the NUL character, which PostgreSQL text and jsonb cannot store. */
        NUL_CHARACTER,
        /** A file's content is larger than the store's limit per file. */
        CONTENT_TOO_LARGE,
        /** The change would leave the artifact with more files than the store's limit. */
        TOO_MANY_FILES,
        /** The change would make the artifact's files (the latest version's) larger in total than the store's limit. */
        ARTIFACT_TOO_LARGE,
        /** A text field other than content (chat id, type, title, idempotency key) is blank or too long. */
        INVALID_FIELD,
        /** A batch has no changes. */
        EMPTY_BATCH,
        /** A delete or an edit names a file that the artifact does not have. */
        NO_SUCH_FILE,
        /** A create (or a patch's add or move) names a file that the artifact already has. */
        FILE_EXISTS,
        /** An edit's text to replace occurs nowhere in the latest content of the file. */
        NO_MATCH,
        /** An edit's text to replace occurs more than once, and the edit replaces one occurrence. */
        AMBIGUOUS_MATCH,
        /** An insert names a line past the end of the file. */
        LINE_OUT_OF_RANGE,
        /** A patch is not a well-formed V4A patch ({@code *** Begin Patch} … {@code *** End Patch}). */
        MALFORMED_PATCH,
        /** A patch's hunk (its anchor, or the lines it keeps or removes) is not in the latest content. */
        PATCH_DOES_NOT_APPLY,
        /** An edit that cannot change anything: empty text to replace or insert, or new text equal to the old. */
        INVALID_EDIT
    }

    /** Why the input was rejected. */
    private final Reason reason;

    /**
     * Creates an {@code InvalidChangeException}.
     *
     * @param reason  why the input was rejected
     * @param message a message naming the field and the rule broken
     */
    public InvalidChangeException(Reason reason, String message) {
        super(message, null, Outcome.NOT_APPLIED);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Why the input was rejected.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
