package dev.gapless.core;

import java.time.Duration;

/**
 * Waits between attempts. Injected (see {@link ArtifactStore.Builder#sleeper}) so that tests of backoff need not
 * sleep; implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps with {@link Thread#sleep(long, int)}. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    /**
     * Waits for {@code duration}.
     *
     * @param duration how long
     * @throws InterruptedException if interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;
}
