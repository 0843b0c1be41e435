package dev.gapless.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when a test moves it: given to {@code ArtifactStore.builder(...).clock(...)}, it drives the
 * store's deadlines, retry budgets and elapsed time, so that a test passes time without sleeping. Thread-safe.
 */
public final class ManualClock extends Clock {

    private final AtomicReference<Instant> now;

    /** @param start the instant the clock shows until moved */
    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock showing the current system time until moved. */
    public ManualClock() {
        this(Instant.now());
    }

    /** Moves the clock forward by {@code by}. */
    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
