package dev.gapless.core.internal;

import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.InvalidChangeException.Reason;

/**
 * A store's limits, and the one wording of their errors (the server function raises the same conditions, and its
 * errors are reworded here from the count it reports).
 *
 * @param maxFiles         the most files an artifact may hold
 * @param maxFileBytes     the largest content of one file, in UTF-8 bytes
 * @param maxArtifactBytes the largest total content of an artifact's latest version, in UTF-8 bytes
 */
public record Limits(int maxFiles, int maxFileBytes, long maxArtifactBytes) {

    /** A change that grows the file count past the limit. */
    public InvalidChangeException tooManyFiles(long files) {
        return new InvalidChangeException(Reason.TOO_MANY_FILES, "the change would leave " + files
                + " files in the artifact, over the limit of " + maxFiles + " files");
    }

    /** A change that grows the artifact's total content past the limit. */
    public InvalidChangeException tooLarge(long bytes) {
        return new InvalidChangeException(Reason.ARTIFACT_TOO_LARGE, "the change would make the artifact's files "
                + bytes + " bytes in total, over the limit of " + maxArtifactBytes + " bytes");
    }
}
