package dev.gapless.text;

import java.util.Objects;

/**
 * One line of a hunk. Immutable and thread-safe.
 *
 * @param type           context, added or removed
 * @param text           the line without its line break (a {@code \r} of a CRLF line stays)
 * @param missingNewline whether this is its file's last line and has no line break ({@code \ No newline at end of
 *                       file} in the unified diff)
 */
public record DiffLine(Type type, String text, boolean missingNewline) {

    /** What a line of a hunk is. */
    public enum Type {
        /** In both versions (a space in the unified diff). */
        CONTEXT,
        /** Only in the newer version ({@code +}). */
        ADDED,
        /** Only in the older version ({@code -}). */
        REMOVED
    }

    /**
     * Creates a {@code DiffLine}.
     *
     * @param type           context, added or removed
     * @param text           the line without its line break (a {@code \r} of a CRLF line stays)
     * @param missingNewline whether this is its file's last line and has no line break ({@code \ No newline at end of
     *                       file} in the unified diff)
     * @throws NullPointerException if an argument is {@code null}
     */
    public DiffLine {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(text, "text");
    }
}
