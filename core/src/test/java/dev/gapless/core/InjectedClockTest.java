package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's one time source: the clock given to the builder measures deadlines, retry budgets and elapsed time
 * alike, so a test moves it instead of sleeping.
 */
class InjectedClockTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static final Duration DELAY = Duration.ofMillis(600);

    private static final RetryPolicy POLICY = RetryPolicy.builder().withJitter(RetryPolicy.Jitter.NONE)
            .withFixedDelays(DELAY).withMaxAttempts(10).withMaxDuration(Duration.ofSeconds(1)).build();

    /** A store whose backoff moves its clock by the delay asked, and never sleeps. */
    private static ArtifactStore store(FaultyDataSource faulty, ManualClock clock, AppendListener listener) {
        return ArtifactStore.builder(faulty).strategy(WriteStrategy.rowLock(POLICY)).clock(clock)
                .sleeper(clock::advance).listener(listener).build();
    }

    @Test
    void theRetryBudgetIsSpentOnTheInjectedClock() {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        ManualClock clock = new ManualClock();
        AtomicInteger attempts = new AtomicInteger();
        ArtifactStore store = store(faulty, clock, new AppendListener() {
            @Override
            public void onAttempt(AppendEvent.Attempt event) {
                attempts.incrementAndGet();
            }
        });
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        faulty.dropNextCommits(5);

        // attempts at 0 ms, 600 ms and 1200 ms: the third is the last, its budget of 1 s spent
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1")))
                .isInstanceOfSatisfying(GaplessException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.UNKNOWN));
        assertThat(attempts).hasValue(3);
        assertThat(faulty.injected()).isEqualTo(3);
    }

    @Test
    void elapsedTimeIsWhatTheInjectedClockMoved() {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        ManualClock clock = new ManualClock();
        List<AppendResult> heard = new CopyOnWriteArrayList<>();
        ArtifactStore store = store(faulty, clock, new AppendListener() {
            @Override
            public void onSuccess(AppendEvent.Succeeded event) {
                heard.add(event.result());
            }
        });
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        faulty.dropNextCommits(1);

        AppendResult result = store.append(id, Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1"));

        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.elapsed()).isEqualTo(DELAY);
        assertThat(heard).singleElement().satisfies(r -> assertThat(r.elapsed()).isEqualTo(DELAY));
    }

    @Test
    void aDeadlineIsReachedByMovingTheInjectedClock() {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        ManualClock clock = new ManualClock();
        ArtifactStore store = store(faulty, clock, AppendListener.NONE);
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        faulty.dropNextCommits(1);

        // the first backoff (600 ms) would end after the 500 ms deadline: no second attempt, nothing written
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1").withTimeout(Duration.ofMillis(500))))
                .isInstanceOf(GaplessException.class);
        assertThat(faulty.injected()).isEqualTo(1);
        assertThat(store.latest(id)).isEmpty();
    }
}
