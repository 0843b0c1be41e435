package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trap 4 of docs/architecture.md, the ambiguous commit: the connection breaks while COMMIT is in flight. With an
 * idempotency key every non-baseline strategy retries and finds what the first attempt wrote; without one it must
 * not retry.
 */
class ExactlyOnceTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    static Stream<String> safeStrategies() {
        return WriteStrategy.names().stream(); // the real strategies: the lossy baselines are not listed
    }

    private static ArtifactStore store(FaultyDataSource faulty, String strategy) {
        return ArtifactStore.builder(faulty).strategy(Strategies.of(strategy)).build();
    }

    @ParameterizedTest
    @MethodSource("safeStrategies")
    void aCommitWhoseReplyIsLostIsRetriedAndFoundAlreadyApplied(String strategy) {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        ArtifactStore store = store(faulty, strategy);
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "first")));

        faulty.loseRepliesToNextCommits(1);
        AppendResult result = store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "second")),
                AppendOptions.defaults().withIdempotencyKey("call_1"));

        assertThat(faulty.injected()).isEqualTo(1);
        assertThat(result.deduplicated()).as("the retry found the landed commit").isTrue();
        assertThat(result.version()).isEqualTo(2);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(store.history(artifact.id())).hasSize(2);
        Invariants.check(PG.dataSource(), store, artifact.id());
    }

    @ParameterizedTest
    @MethodSource("safeStrategies")
    void aCommitLostBeforeItLandedIsRetriedAndWrittenOnce(String strategy) {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        ArtifactStore store = store(faulty, strategy);
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");

        faulty.dropNextCommits(1);
        AppendResult result = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1"));

        assertThat(result.deduplicated()).isFalse();
        assertThat(result.version()).isEqualTo(1);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(store.history(artifact.id())).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("safeStrategies")
    void withoutAKeyALostCommitIsNotRetried(String strategy) {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        ArtifactStore store = store(faulty, strategy);
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");

        faulty.loseRepliesToNextCommits(1);
        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x"))))
                .isInstanceOfSatisfying(ConnectionLostException.class,
                        e -> assertThat(e.sqlState()).contains("08006"))
                .hasMessageContaining("unknown");
        // the reply was lost, not the commit: exactly one version, never two
        assertThat(store.history(artifact.id())).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("allStrategies")
    void aReplayWithAnExpectedVersionIsADuplicateNotAConflict(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        AppendOptions options = AppendOptions.defaults().withIdempotencyKey("call_1").withExpectedVersion(0);
        AppendResult first = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")), options);
        AppendResult replay = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")), options);

        assertThat(first.deduplicated()).isFalse();
        assertThat(replay.deduplicated()).isTrue();
        assertThat(replay.version()).isEqualTo(first.version()).isEqualTo(1);
    }

    static Stream<String> allStrategies() {
        return Strategies.all().stream();
    }

    /**
     * Regression (found by the chaos suite for group-commit): an attempt lost its connection at COMMIT, the commit
     * landed, and the deadline ended the retries before they could see it. The caller must hear "outcome unknown",
     * never a timeout that claims nothing was written.
     */
    @ParameterizedTest
    @MethodSource("safeStrategies")
    void aDeadlineAfterALostCommitReportsAnUnknownOutcomeNotATimeout(String strategy) {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        java.util.concurrent.atomic.AtomicInteger sleeps = new java.util.concurrent.atomic.AtomicInteger();
        ManualClock clock = new ManualClock();
        // the sleeper moves the store's clock: the first backoff outlives the append's 300 ms
        ArtifactStore store = ArtifactStore.builder(faulty).strategy(Strategies.of(strategy)).clock(clock)
                .sleeper(d -> {
                    sleeps.incrementAndGet();
                    clock.advance(java.time.Duration.ofMillis(400));
                }).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        faulty.loseRepliesToNextCommits(1);

        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1").withTimeout(java.time.Duration.ofMillis(300))))
                .isInstanceOfSatisfying(GaplessException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.UNKNOWN))
                .hasMessageContaining("unknown");
        assertThat(sleeps).as("the one backoff, which outlived the deadline").hasValue(1);
        // what really happened: it landed, and the same key settles it
        AppendResult retry = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1"));
        assertThat(retry.deduplicated()).isTrue();
    }

    /**
     * Regression: a keyed append whose last attempt lost its connection and whose deadline then came before the
     * next backoff ended threw AppendTimeoutException saying "nothing was written", though its COMMIT had landed.
     */
    @ParameterizedTest
    @MethodSource("safeStrategies")
    void aKeyedAppendWhoseLastAttemptLostItsCommitAndThenReachedItsDeadlineSaysTheOutcomeIsUnknown(String strategy) {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        RetryPolicy slow = RetryPolicy.builder().withJitter(RetryPolicy.Jitter.NONE)
                .withFixedDelays(java.time.Duration.ofSeconds(5)).build();
        ArtifactStore store = ArtifactStore.builder(faulty)
                .strategy(Strategies.of(strategy).withRetryPolicy(slow)).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        faulty.loseRepliesToNextCommits(1);

        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1").withTimeout(java.time.Duration.ofSeconds(2))))
                .isInstanceOfSatisfying(AppendTimeoutException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.UNKNOWN);
                    assertThat(e.getMessage()).contains("unknown").doesNotContain("nothing was written");
                });
        assertThat(faulty.injected()).isEqualTo(1);
        assertThat(store.history(artifact.id())).as("the commit did land").hasSize(1);
    }

    /** Regression: a key reused for another change was answered as a duplicate of the first: a lost write. */
    @ParameterizedTest
    @MethodSource("allStrategies")
    void aKeyReusedForAnotherChangeIsRejectedNotDeduplicated(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        AppendOptions key = AppendOptions.defaults().withIdempotencyKey("call_1");
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "a")), key);

        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "b")), key))
                .isInstanceOfSatisfying(IdempotencyKeyReusedException.class, e -> {
                    assertThat(e.key()).isEqualTo("call_1");
                    assertThat(e.version()).isEqualTo(1);
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                });
        assertThat(store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "a")), key).deduplicated())
                .as("the same change with the same key is a replay").isTrue();
        assertThat(store.history(artifact.id())).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("allStrategies")
    void twoCallsWithOneKeyInParallelWriteOneVersionAndRejectTheOther(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.run(store, artifact.id(),
                List.of(Change.put(CodeFile.of("a.txt", "a")), Change.put(CodeFile.of("b.txt", "b"))),
                List.of("same", "same"));
        List<ConcurrentAppends.Outcome> ok = outcomes.stream().filter(ConcurrentAppends.Outcome::succeeded).toList();
        assertThat(store.history(artifact.id())).hasSize(1);
        if (strategy.equals("naive") || strategy.equals("seed-retry")) {
            return; // the baselines may also lose the race itself
        }
        assertThat(ok).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !o.succeeded())
                .allMatch(o -> o.failure() instanceof IdempotencyKeyReusedException);
    }
}
