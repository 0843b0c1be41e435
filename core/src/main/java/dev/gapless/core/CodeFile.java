package dev.gapless.core;

import java.util.Objects;

/**
 * One file of an artifact: its path inside the artifact, its language, its content and a short description.
 *
 * <p>The record only rejects {@code null} filename and content; the rules for what a store accepts (no {@code ..}
 * segments, no control characters, no NUL, a size limit) are checked by {@link ArtifactStore#append} before any I/O,
 * so that a value read back from an older database can always be represented. Immutable and thread-safe.
 *
 * @param filename    relative path of the file, e.g. {@code src/main.cpp}; never {@code null}
 * @param language    language tag, e.g. {@code cpp}; {@code null} is stored as the empty string
 * @param content     the full content of the file; never {@code null}
 * @param description a one-line description; {@code null} is stored as the empty string
 */
public record CodeFile(String filename, String language, String content, String description) {

    /**
     * Creates a file.
     *
     * @param filename relative path of the file, e.g. {@code src/main.cpp}; never {@code null}
     * @param language language tag, e.g. {@code cpp}; {@code null} is stored as the empty string
     * @param content the full content of the file; never {@code null}
     * @param description a one-line description; {@code null} is stored as the empty string
     * @throws NullPointerException if {@code filename} or {@code content} is {@code null}
     */
    public CodeFile {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(content, "content");
        language = language == null ? "" : language;
        description = description == null ? "" : description;
    }

    /**
     * Shorthand for a file with no language and no description.
     *
     * @param filename relative path of the file
     * @param content  the full content
     * @return the file
     * @throws NullPointerException if an argument is {@code null}
     */
    public static CodeFile of(String filename, String content) {
        return new CodeFile(filename, "", content, "");
    }
}
