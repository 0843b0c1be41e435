package dev.gapless.core;

import java.util.UUID;

/** No artifact has the given id; nothing was written. */
public final class ArtifactNotFoundException extends GaplessException {

    /** The artifact that does not exist. */
    private final UUID artifactId;

    /**
     * Creates an {@code ArtifactNotFoundException}.
     *
     * @param artifactId the id that was not found
     */
    public ArtifactNotFoundException(UUID artifactId) {
        super("no artifact with id " + artifactId, null, Outcome.NOT_APPLIED);
        this.artifactId = artifactId;
    }

    /**
     * The id that was not found.
     *
     * @return the artifact id
     */
    public UUID artifactId() {
        return artifactId;
    }
}
