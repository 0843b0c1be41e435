package dev.gapless.core;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of a successful append. Immutable and thread-safe.
 *
 * @param artifactId   the artifact
 * @param version      the version number this append received (or, when deduplicated, the one an earlier append
 *                     with the same idempotency key received; when {@code unchanged}, the current head)
 * @param summary      the summary stored with the version (when {@code unchanged}, what the change would have said)
 * @param attempts     how many transactions were tried, from 1
 * @param elapsed      the time from the call to its return, including waits for locks, the pool and backoff
 * @param deduplicated {@code true} when an earlier append with the same idempotency key had already written this
 *                     version and this call wrote nothing
 * @param unchanged    {@code true} when the change would have changed nothing (every file it puts is identical to
 *                     the head's): no version was added, and {@code version} is the head
 * @param merges       the whole-file writes that were merged with changes their writers had not seen; empty when
 *                     nothing was merged
 */
public record AppendResult(UUID artifactId, int version, String summary, int attempts, Duration elapsed,
                           boolean deduplicated, boolean unchanged, List<FileMerge> merges) {

    /**
     * Creates an {@code AppendResult}.
     *
     * @param artifactId   the artifact
     * @param version      the version number this append received (or, when deduplicated, the one an earlier append
     *                     with the same idempotency key received; when {@code unchanged}, the current head)
     * @param summary      the summary stored with the version (when {@code unchanged}, what the change would have
     *                     said)
     * @param attempts     how many transactions were tried, from 1
     * @param elapsed      the time from the call to its return, including waits for locks, the pool and backoff
     * @param deduplicated {@code true} when an earlier append with the same idempotency key had already written this
     *                     version and this call wrote nothing
     * @param unchanged    {@code true} when the change would have changed nothing (every file it puts is identical to
     *                     the head's): no version was added, and {@code version} is the head
     * @param merges       the whole-file writes that were merged with changes their writers had not seen; empty when
     *                     nothing was merged
     * @throws NullPointerException if {@code merges} is {@code null}
     */
    public AppendResult {
        merges = List.copyOf(merges);
    }

    /**
     * A result that neither was unchanged nor merged anything.
     *
     * @param artifactId   the artifact
     * @param version      the version
     * @param summary      the summary
     * @param attempts     the attempts
     * @param elapsed      the time taken
     * @param deduplicated whether it was a replay
     */
    public AppendResult(UUID artifactId, int version, String summary, int attempts, Duration elapsed,
                        boolean deduplicated) {
        this(artifactId, version, summary, attempts, elapsed, deduplicated, false, List.of());
    }

    /**
     * The number of retries ({@code attempts - 1}).
     *
     * @return the number of retries
     */
    public int retries() {
        return attempts - 1;
    }

    /**
     * Whether a whole-file write was merged with changes its writer had not seen.
     *
     * @return {@code !merges().isEmpty()}
     */
    public boolean merged() {
        return !merges.isEmpty();
    }
}
