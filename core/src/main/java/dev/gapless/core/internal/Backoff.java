package dev.gapless.core.internal;

import dev.gapless.core.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The delays of a {@link RetryPolicy} between attempts: exponential backoff with a cap and jitter, or a fixed list.
 * Immutable; thread-safe when its random source is (the default is {@link java.util.concurrent.ThreadLocalRandom}).
 *
 * @param base        the first delay of the backoff, positive
 * @param cap         the largest delay of the backoff, at least {@code base}
 * @param jitter      how the backoff is randomised
 * @param fixedDelays fixed delays instead of backoff (the last one repeats), or {@code null}
 * @param random      the random source for jitter
 */
public record Backoff(Duration base, Duration cap, RetryPolicy.Jitter jitter, List<Duration> fixedDelays,
                      Supplier<Random> random) {

    /**
     * The delay before retry number {@code retry} (1 for the first retry).
     *
     * @param retry    the retry about to be made, from 1
     * @param previous the delay before the previous retry, or {@link Duration#ZERO} for the first
     * @return the delay
     * @throws IllegalArgumentException if {@code retry} is less than 1
     */
    public Duration delay(int retry, Duration previous) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, was " + retry);
        }
        if (fixedDelays != null) {
            return fixedDelays.get(Math.min(retry, fixedDelays.size()) - 1);
        }
        long baseNanos = base.toNanos();
        long capNanos = cap.toNanos();
        // base * 2^(retry-1), capped; a shift that would overflow is the cap
        int shift = retry - 1;
        long exponential = shift >= Long.numberOfLeadingZeros(baseNanos) - 1 ? capNanos
                : Math.min(capNanos, baseNanos << shift);
        return switch (jitter) {
            case NONE -> Duration.ofNanos(exponential);
            case FULL -> Duration.ofNanos(nextLong(exponential + 1));
            case DECORRELATED -> {
                long prev = Math.max(baseNanos, previous.toNanos());
                long upper = Math.min(capNanos, prev > capNanos / 3 ? capNanos : prev * 3);
                yield Duration.ofNanos(baseNanos + nextLong(Math.max(1, upper - baseNanos + 1)));
            }
        };
    }

    private long nextLong(long bound) {
        return (long) (random.get().nextDouble() * bound);
    }
}
