package dev.gapless.core;

import java.util.UUID;

/**
 * The version asked for was pruned by a retention policy ({@link ArtifactLifecycle#prune}); nothing was written.
 * Version numbers are never reused: the versions from {@link #oldestKept()} to the head are still there.
 */
public final class VersionPrunedException extends GaplessException {

    /** The artifact. */
    private final UUID artifactId;
    /** The pruned version that was asked for. */
    private final int version;
    /** The oldest version still stored. */
    private final int oldestKept;

    /**
     * Creates the exception.
     *
     * @param artifactId the artifact
     * @param version    the pruned version that was asked for
     * @param oldestKept the oldest version still stored
     */
    public VersionPrunedException(UUID artifactId, int version, int oldestKept) {
        super("version " + version + " of artifact " + artifactId + " was pruned; the oldest version kept is "
                + oldestKept, null, Outcome.NOT_APPLIED);
        this.artifactId = artifactId;
        this.version = version;
        this.oldestKept = oldestKept;
    }

    /**
     * The artifact.
     *
     * @return its id
     */
    public UUID artifactId() {
        return artifactId;
    }

    /**
     * The version that was asked for.
     *
     * @return its number
     */
    public int version() {
        return version;
    }

    /**
     * The oldest version still stored.
     *
     * @return its number
     */
    public int oldestKept() {
        return oldestKept;
    }
}
