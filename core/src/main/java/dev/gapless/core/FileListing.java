package dev.gapless.core;

import java.util.List;

/**
 * The files of an artifact's latest version, without content: what listing costs no more than the file names.
 *
 * @param version the version listed, 0 before the first append
 * @param files   its files, in snapshot order; copied
 */
public record FileListing(int version, List<FileInfo> files) {

    /**
     * Creates a {@code FileListing}.
     *
     * @param version the version listed, 0 before the first append
     * @param files its files, in snapshot order; copied
     * @throws NullPointerException if {@code files} or an element is {@code null}
     */
    public FileListing {
        files = List.copyOf(files);
    }
}
