package dev.gapless.core;

import java.io.IOException;

/**
 * Receives the files of a version one at a time, in snapshot order ({@link ArtifactLifecycle#checkout}). The
 * store holds only a bounded chunk of contents at once, so a sink that writes each file out and forgets it checks out
 * any artifact in bounded memory. Called on the calling thread.
 */
@FunctionalInterface
public interface CheckoutSink {

    /**
     * Takes one file.
     *
     * @param file the file, with its content
     * @throws IOException if the sink cannot take it; the checkout stops and rethrows it, wrapped in an
     *                     {@link java.io.UncheckedIOException}
     */
    void accept(CodeFile file) throws IOException;
}
