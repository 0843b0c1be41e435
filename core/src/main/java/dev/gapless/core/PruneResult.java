package dev.gapless.core;

import java.util.UUID;

/**
 * The outcome of {@link ArtifactLifecycle#prune}. Immutable and thread-safe.
 *
 * @param artifactId       the artifact
 * @param oldestKept       the oldest version kept after the prune (1 when nothing was ever pruned; 0 for an artifact
 *                         with no version)
 * @param versionsRemoved  the versions this call deleted
 * @param contentsRemoved  the file contents no kept version referenced any more, deleted by this call
 * @param bytesRemoved     the UTF-8 size of those contents
 */
public record PruneResult(UUID artifactId, int oldestKept, int versionsRemoved, int contentsRemoved,
                          long bytesRemoved) {
}
