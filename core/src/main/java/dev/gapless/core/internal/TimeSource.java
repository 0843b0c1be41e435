package dev.gapless.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The one source of time of a store, as HikariCP's {@code ClockSource}: deadlines and retention read its instant;
 * retry budgets and the elapsed time of an append read its monotonic nanoseconds. Both come from the clock given to
 * {@code ArtifactStore.builder(...).clock(...)}: the system clock keeps {@link System#nanoTime()} for elapsed time
 * (immune to wall-clock steps); any other clock (a test's) drives elapsed time too, so that moving it moves every
 * timer of the store at once. The only real-time waits left are the server's lock and statement timeouts and the
 * alarm that interrupts a pool wait, both set from what this source says is left. Implementations are thread-safe.
 */
public interface TimeSource {

    /** The system clock, in UTC, with {@link System#nanoTime()}. */
    TimeSource SYSTEM = of(Clock.systemUTC());

    /** @return a monotonic count of nanoseconds, for elapsed time only */
    long nanoTime();

    /** @return the current instant, for deadlines */
    Instant instant();

    /**
     * @param startNanos an earlier {@link #nanoTime()}
     * @return the time elapsed since then
     */
    default Duration since(long startNanos) {
        return Duration.ofNanos(nanoTime() - startNanos);
    }

    /**
     * @param deadline a deadline
     * @return the time left until it (negative when passed)
     */
    default Duration until(Instant deadline) {
        return Duration.between(instant(), deadline);
    }

    /**
     * The time source of a clock.
     *
     * @param clock the clock; the system clock (in any zone) keeps {@link System#nanoTime()} for elapsed time
     * @return the time source
     */
    static TimeSource of(Clock clock) {
        if (clock.getClass() == Clock.systemUTC().getClass()) {
            return new TimeSource() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public Instant instant() {
                    return clock.instant();
                }
            };
        }
        return new TimeSource() {
            @Override
            public long nanoTime() {
                Instant now = clock.instant();
                return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
            }

            @Override
            public Instant instant() {
                return clock.instant();
            }
        };
    }
}
