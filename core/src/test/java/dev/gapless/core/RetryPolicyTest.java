package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.internal.SpecAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Duration BASE = Duration.ofMillis(10);
    private static final Duration CAP = Duration.ofMillis(160);

    /** The delay the write path waits before retry {@code retry} under {@code policy}. */
    private static Duration delay(RetryPolicy policy, int retry, Duration previous) {
        return SpecAccess.backoff(policy).delay(retry, previous);
    }

    private static RetryPolicy policy(RetryPolicy.Jitter jitter, long seed) {
        return RetryPolicy.builder().withBackoff(BASE, CAP).withJitter(jitter).withRandom(new Random(seed)).build();
    }

    @Test
    void withoutJitterBackoffDoublesUpToTheCap() {
        RetryPolicy p = policy(RetryPolicy.Jitter.NONE, 1);
        List<Long> ms = new ArrayList<>();
        for (int retry = 1; retry <= 7; retry++) {
            ms.add(delay(p, retry, Duration.ZERO).toMillis());
        }
        assertThat(ms).containsExactly(10L, 20L, 40L, 80L, 160L, 160L, 160L);
        assertThat(delay(p, 10_000, Duration.ZERO)).isEqualTo(CAP);
    }

    /** Regression: {@code base << (retry - 1)} overflowed for large bases and retry counts and wrapped around. */
    @Test
    void largeBasesAndRetryCountsReachTheCapAndNeverWrap() {
        RetryPolicy policy = RetryPolicy.builder().withJitter(RetryPolicy.Jitter.NONE)
                .withBackoff(Duration.ofSeconds(7), Duration.ofDays(365)).withMaxAttempts(1000).build();
        Duration previous = Duration.ZERO;
        for (int retry = 1; retry < 200; retry++) {
            Duration delay = delay(policy, retry, previous);
            assertThat(delay).as("retry %d", retry).isGreaterThanOrEqualTo(previous)
                    .isLessThanOrEqualTo(Duration.ofDays(365));
            previous = delay;
        }
        assertThat(previous).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void fullJitterStaysWithinZeroAndTheExponentialAndSpreads() {
        RetryPolicy p = policy(RetryPolicy.Jitter.FULL, 42);
        var distinct = new HashSet<Duration>();
        for (int i = 0; i < 200; i++) {
            Duration d = delay(p, 3, Duration.ZERO);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(40));
            distinct.add(d);
        }
        assertThat(distinct).as("jitter spreads writers apart").hasSizeGreaterThan(100);
    }

    @Test
    void decorrelatedJitterStaysBetweenBaseAndThreeTimesThePreviousCapped() {
        RetryPolicy p = policy(RetryPolicy.Jitter.DECORRELATED, 7);
        Duration previous = Duration.ZERO;
        for (int retry = 1; retry <= 50; retry++) {
            Duration d = delay(p, retry, previous);
            Duration upper = previous.isZero() ? BASE.multipliedBy(3) : previous.multipliedBy(3);
            assertThat(d).isBetween(BASE, upper.compareTo(CAP) > 0 ? CAP : upper);
            previous = d;
        }
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        RetryPolicy a = policy(RetryPolicy.Jitter.DECORRELATED, 99);
        RetryPolicy b = policy(RetryPolicy.Jitter.DECORRELATED, 99);
        Duration pa = Duration.ZERO;
        Duration pb = Duration.ZERO;
        for (int retry = 1; retry <= 20; retry++) {
            pa = delay(a, retry, pa);
            pb = delay(b, retry, pb);
            assertThat(pa).isEqualTo(pb);
        }
    }

    @Test
    void fixedDelaysSetTheAttemptBudgetAndRepeatTheLast() {
        RetryPolicy p = RetryPolicy.builder()
                .withFixedDelays(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)).build();
        assertThat(p.maxAttempts()).isEqualTo(4);
        assertThat(delay(p, 1, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
        assertThat(delay(p, 3, Duration.ZERO)).isEqualTo(Duration.ofMillis(400));
        assertThat(delay(p, 9, Duration.ZERO)).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void defaultsAreSaneAndNoneNeverRetries() {
        RetryPolicy d = RetryPolicy.ofDefaults();
        assertThat(d.maxAttempts()).isGreaterThan(1);
        assertThat(d.maxDuration()).isPositive();
        assertThat(d.jitter()).isNotEqualTo(RetryPolicy.Jitter.NONE);
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }

    @Test
    void impossibleSettingsAreRejectedAtCallTime() {
        assertThatThrownBy(() -> RetryPolicy.builder().withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.builder().withMaxDuration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDuration");
        assertThatThrownBy(() -> RetryPolicy.builder().withBackoff(Duration.ofMillis(10), Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cap");
        assertThatThrownBy(() -> RetryPolicy.builder().withFixedDelays())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().withFixedDelays(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().withJitter(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> delay(RetryPolicy.ofDefaults(), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
