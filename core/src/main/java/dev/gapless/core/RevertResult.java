package dev.gapless.core;

import java.util.UUID;

/**
 * The outcome of {@link ArtifactLifecycle#revert}. Immutable and thread-safe.
 *
 * @param artifactId   the artifact
 * @param target       the version whose files the artifact now holds
 * @param version      the version written (or, for a replayed key, the one written before; or the unchanged head
 *                     when nothing differed)
 * @param filesChanged the files the revert put back or deleted (0 for a replay or when nothing differed)
 * @param written      whether this call wrote a version
 * @param deduplicated whether the idempotency key had been applied before
 */
public record RevertResult(UUID artifactId, int target, int version, int filesChanged, boolean written,
                           boolean deduplicated) {
}
