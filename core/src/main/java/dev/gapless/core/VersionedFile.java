package dev.gapless.core;

import java.util.Objects;

/**
 * One file as it is in a given version.
 *
 * @param version the version the file was read from
 * @param file    the file, with its content
 */
public record VersionedFile(int version, CodeFile file) {

    /**
     * Creates a {@code VersionedFile}.
     *
     * @param version the version the file was read from
     * @param file the file, with its content
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public VersionedFile {
        Objects.requireNonNull(file, "file");
    }
}
