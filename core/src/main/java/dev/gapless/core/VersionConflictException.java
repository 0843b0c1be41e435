package dev.gapless.core;

import java.util.UUID;

/**
 * An append carried an expected version and the artifact's head was another; nothing was written. Never retried:
 * the caller decided on the basis of a version that is no longer the latest.
 */
public final class VersionConflictException extends GaplessException {

    /** The artifact appended to. */
    private final UUID artifactId;
    /** The version the caller expected to be latest. */
    private final int expected;
    /** The version that was latest. */
    private final int actual;

    /**
     * Creates a {@code VersionConflictException}.
     *
     * @param artifactId the artifact
     * @param expected   the version the caller expected to be the head
     * @param actual     the head found
     */
    public VersionConflictException(UUID artifactId, int expected, int actual) {
        super("artifact " + artifactId + " is at version " + actual + ", expected " + expected, null,
                Outcome.NOT_APPLIED);
        this.artifactId = artifactId;
        this.expected = expected;
        this.actual = actual;
    }

    /** {@return the artifact} */
    public UUID artifactId() {
        return artifactId;
    }

    /** {@return the version the caller expected to be the head} */
    public int expected() {
        return expected;
    }

    /** {@return the head version found} */
    public int actual() {
        return actual;
    }
}
