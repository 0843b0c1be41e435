package dev.gapless.core;

import java.util.Objects;

/**
 * One file of a version, without its content.
 *
 * @param filename    relative path of the file
 * @param language    language tag, possibly empty
 * @param description one-line description, possibly empty
 * @param bytes       size of the content in UTF-8 bytes
 */
public record FileInfo(String filename, String language, String description, long bytes) {

    /**
     * Creates a {@code FileInfo}.
     *
     * @param filename relative path of the file
     * @param language language tag, possibly empty
     * @param description one-line description, possibly empty
     * @param bytes size of the content in UTF-8 bytes
     * @throws NullPointerException if a text component is {@code null}
     */
    public FileInfo {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(description, "description");
    }
}
