package dev.gapless.core;

import java.time.Duration;
import java.util.UUID;

/**
 * The outcome of a successful append.
 *
 * @param artifactId   the artifact
 * @param version      the version number this append received (or, when deduplicated, the one an earlier append
 *                     with the same idempotency key received)
 * @param summary      the summary stored with the version
 * @param attempts     how many transactions were tried, from 1
 * @param elapsed      the time from the call to its return, including waits for locks, the pool and backoff
 * @param deduplicated {@code true} when an earlier append with the same idempotency key had already written this
 *                     version and this call wrote nothing
 */
public record AppendResult(UUID artifactId, int version, String summary, int attempts, Duration elapsed,
                           boolean deduplicated) {

    /**
     * The number of retries ({@code attempts - 1}).
     *
     * @return the number of retries
     */
    public int retries() {
        return attempts - 1;
    }
}
