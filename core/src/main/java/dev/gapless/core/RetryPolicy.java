package dev.gapless.core;

import dev.gapless.core.internal.Backoff;
import dev.gapless.core.internal.SpecAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * When and how often a strategy retries an append that lost a race: an attempt budget, a time budget, and the
 * delay before each retry (exponential backoff with a cap, with full or decorrelated jitter, or a fixed list of
 * delays). Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *         .withMaxAttempts(20)
 *         .withMaxDuration(Duration.ofSeconds(5))
 *         .withBackoff(Duration.ofMillis(2), Duration.ofMillis(200))
 *         .withJitter(RetryPolicy.Jitter.DECORRELATED)
 *         .build();
 * }</pre>
 *
 * <p>Jitter matters: without it, writers that collided once wake together and collide again, and every round has
 * one winner (docs/architecture.md, trap 5).
 */
public final class RetryPolicy {

    /** How the delay before a retry is randomised. */
    public enum Jitter {
        /** Exactly the backoff: {@code min(cap, base * 2^(retry-1))}. Lockstep; for baselines and tests. */
        NONE,
        /** Uniform in {@code [0, min(cap, base * 2^(retry-1))]}. */
        FULL,
        /** Uniform in {@code [base, min(cap, previous * 3)]} (the "decorrelated jitter" of AWS's analysis). */
        DECORRELATED
    }

    private final int maxAttempts;
    private final Duration maxDuration;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Jitter jitter;
    private final List<Duration> fixedDelays;
    private final Backoff backoff;

    static {
        SpecAccess.registerPolicies(p -> p.backoff);
    }

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.maxDuration = b.maxDuration;
        this.baseDelay = b.baseDelay;
        this.maxDelay = b.maxDelay;
        this.jitter = b.jitter;
        this.fixedDelays = b.fixedDelays == null ? null : List.copyOf(b.fixedDelays);
        this.backoff = new Backoff(baseDelay, maxDelay, jitter, fixedDelays, b.random);
    }

    /**
     * A builder, starting from the defaults of {@link #ofDefaults()}.
     *
     * @return a new builder (not thread-safe; {@link Builder#build()} copies its settings)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * 200 attempts within 30 s (the default append deadline, which still applies), backoff from 2 ms doubling to a
     * 100 ms cap, decorrelated jitter. Budgeted so that 64 concurrent writers retrying on one hot artifact all get
     * through: with one winner per round, the last writer needs tens of attempts.
     *
     * @return the default policy
     */
    public static RetryPolicy ofDefaults() {
        return builder().build();
    }

    /**
     * One attempt, no retries.
     *
     * @return a policy that never retries
     */
    public static RetryPolicy none() {
        return builder().withMaxAttempts(1).build();
    }

    /** {@return the most attempts (the first included)} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return the longest time from the first attempt after which no retry is started} */
    public Duration maxDuration() {
        return maxDuration;
    }

    /** {@return how the delay is randomised} */
    public Jitter jitter() {
        return jitter;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", maxDuration=" + maxDuration + ", "
                + (fixedDelays != null ? "delays=" + fixedDelays : "backoff=" + baseDelay + ".." + maxDelay
                + ", jitter=" + jitter) + "]";
    }

    /** Builds a {@link RetryPolicy}. Not thread-safe. */
    public static final class Builder {

        private int maxAttempts = 200;
        private Duration maxDuration = Duration.ofSeconds(30);
        private Duration baseDelay = Duration.ofMillis(2);
        private Duration maxDelay = Duration.ofMillis(100);
        private Jitter jitter = Jitter.DECORRELATED;
        private List<Duration> fixedDelays;
        private Supplier<Random> random = java.util.concurrent.ThreadLocalRandom::current;

        private Builder() {
        }

        /**
         * The most attempts, the first included.
         *
         * @param attempts at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code attempts} is less than 1
         */
        public Builder withMaxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * The time budget: no retry starts later than this after the first attempt. The append's own deadline
         * ({@link AppendOptions#withTimeout}) also applies; whichever comes first wins.
         *
         * @param duration a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code duration} is not positive
         */
        public Builder withMaxDuration(Duration duration) {
            this.maxDuration = positive(duration, "maxDuration");
            return this;
        }

        /**
         * Exponential backoff: {@code base * 2^(retry-1)}, never more than {@code cap}, before jitter.
         *
         * @param base the first delay, positive
         * @param cap  the largest delay, at least {@code base}
         * @return this builder
         * @throws IllegalArgumentException if a duration is not positive or {@code cap < base}
         */
        public Builder withBackoff(Duration base, Duration cap) {
            positive(base, "base");
            positive(cap, "cap");
            if (cap.compareTo(base) < 0) {
                throw new IllegalArgumentException("cap " + cap + " is less than base " + base);
            }
            this.baseDelay = base;
            this.maxDelay = cap;
            this.fixedDelays = null;
            return this;
        }

        /**
         * How delays are randomised.
         *
         * @param jitter the jitter
         * @return this builder
         */
        public Builder withJitter(Jitter jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /**
         * Fixed delays instead of backoff: the delay before retry {@code i} is {@code delays[i-1]} (the last one
         * repeats). Sets the attempt budget to {@code delays.length + 1} unless set again afterwards.
         *
         * @param delays the delays, at least one, none negative
         * @return this builder
         * @throws IllegalArgumentException if there are none or one is negative
         */
        public Builder withFixedDelays(Duration... delays) {
            if (delays.length == 0) {
                throw new IllegalArgumentException("at least one delay is needed");
            }
            List<Duration> list = new ArrayList<>();
            for (Duration d : delays) {
                if (Objects.requireNonNull(d, "delay").isNegative()) {
                    throw new IllegalArgumentException("delays must not be negative, was " + d);
                }
                list.add(d);
            }
            this.fixedDelays = list;
            this.maxAttempts = delays.length + 1;
            return this;
        }

        /**
         * The random source for jitter; default {@link java.util.concurrent.ThreadLocalRandom}. Inject a seeded
         * one to make delays deterministic in tests.
         *
         * @param random the source, used from many threads
         * @return this builder
         */
        public Builder withRandom(Random random) {
            Objects.requireNonNull(random, "random");
            this.random = () -> random;
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
