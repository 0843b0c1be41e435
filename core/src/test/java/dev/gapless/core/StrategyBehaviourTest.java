package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected versions, deadlines and events, for every strategy. */
class StrategyBehaviourTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(40);

    static Stream<String> allStrategies() {
        return Strategies.all().stream();
    }

    private static ArtifactStore store(String strategy) {
        return ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
    }

    @ParameterizedTest
    @MethodSource("allStrategies")
    void aStaleExpectedVersionFailsAtOnceWithExpectedAndActual(String strategy) {
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy))
                .listener(new AppendListener() {
                    @Override
                    public void onAttempt(AppendEvent.Attempt event) {
                        attempts.add(event.attempt());
                    }
                }).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "1")));
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "2")));
        attempts.clear();

        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "3")),
                AppendOptions.defaults().withExpectedVersion(1)))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.expected()).isEqualTo(1);
                    assertThat(e.actual()).isEqualTo(2);
                });
        assertThat(attempts).as("never retried").containsExactly(1);
        assertThat(store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "3")),
                AppendOptions.defaults().withExpectedVersion(2)).version()).isEqualTo(3);
        assertThat(store.history(artifact.id())).hasSize(3);
    }

    @ParameterizedTest
    @MethodSource("allStrategies")
    void aBlockedAppendTimesOutAtItsDeadlineAndWritesNothing(String strategy) throws Exception {
        ArtifactStore store = store(strategy);
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        try (Connection holder = PG.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT pg_advisory_xact_lock(?), (SELECT 1 FROM artifacts WHERE id = ? FOR UPDATE)")) {
                lock.setLong(1, artifact.id().getMostSignificantBits() ^ artifact.id().getLeastSignificantBits());
                lock.setObject(2, artifact.id());
                lock.executeQuery().close();
            }
            assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                    AppendOptions.defaults().withTimeout(Duration.ofMillis(400))))
                    .isInstanceOfSatisfying(AppendTimeoutException.class,
                            e -> assertThat(e.timeout()).isEqualTo(Duration.ofMillis(400)));
            holder.rollback();
        }
        assertThat(store.history(artifact.id())).isEmpty();
        assertThat(store.find(artifact.id()).orElseThrow().headVersion()).isZero();
        assertThat(store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x"))).version())
                .as("the store works once the lock is gone").isEqualTo(1);
    }

    @Test
    void listenersSeeConflictsRetriesAndSuccessesAndCannotBreakAnAppend() throws Exception {
        AtomicInteger conflicts = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger successes = new AtomicInteger();
        List<String> states = Collections.synchronizedList(new ArrayList<>());
        // the 16 first attempts of a round start together, so that they read the same head and race for it
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CyclicBarrier> start =
                new java.util.concurrent.atomic.AtomicReference<>();
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.retry())
                .listener(new AppendListener() {
                    @Override
                    public void onAttempt(AppendEvent.Attempt event) {
                        if (event.attempt() == 1) {
                            try {
                                start.get().await(10, java.util.concurrent.TimeUnit.SECONDS);
                            } catch (Exception e) {
                                // a round whose attempts did not meet only races less
                            }
                        }
                    }

                    @Override
                    public void onConflict(AppendEvent.Conflict event) {
                        conflicts.incrementAndGet();
                        states.add(event.sqlState() + "/" + event.constraint());
                    }

                    @Override
                    public void onRetryScheduled(AppendEvent.RetryScheduled event) {
                        retries.incrementAndGet();
                        assertThat(event.delay()).isPositive();
                    }

                    @Override
                    public void onSuccess(AppendEvent.Succeeded event) {
                        successes.incrementAndGet();
                        throw new IllegalStateException("a broken listener");
                    }
                }).build();
        List<CodeFile> files = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            files.add(CodeFile.of("f" + i, "x"));
        }
        int rounds = 0;
        int retriesFromResults = 0;
        // racing is likely, not certain, on a loaded machine: rounds until one raced (each round checked whole)
        while (rounds < 10 && conflicts.get() == 0) {
            rounds++;
            start.set(new java.util.concurrent.CyclicBarrier(16));
            Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
            List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.puts(store, artifact.id(), files);
            assertThat(outcomes).allMatch(ConcurrentAppends.Outcome::succeeded);
            assertThat(successes).hasValue(16 * rounds);
            retriesFromResults += outcomes.stream().mapToInt(o -> o.result().retries()).sum();
            assertThat(retries).hasValue(retriesFromResults);
            assertThat(conflicts).hasValue(retriesFromResults);
        }
        assertThat(conflicts.get()).as("conflicts in %d rounds", rounds).isPositive();
        assertThat(states).containsOnly("23505/artifact_versions_artifact_id_version_number_key");
    }

    @Test
    void retriesStopAtThePolicysAttemptBudgetWithEveryFailureAttached() throws Exception {
        RetryPolicy three = RetryPolicy.builder().withMaxAttempts(3).withBackoff(Duration.ofMillis(1),
                Duration.ofMillis(2)).build();
        List<String> gaveUp = new ArrayList<>();
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.retry(three))
                .listener(new AppendListener() {
                    @Override
                    public void onGiveUp(AppendEvent.GaveUp event) {
                        gaveUp.add(event.attempt() + " " + event.failure().getClass().getSimpleName());
                    }
                }).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "1")));
        takeVersionTwoBehindTheHeadsBack(artifact.id());

        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "2"))))
                .isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.getSuppressed()).hasSize(2);
                });
        assertThat(gaveUp).containsExactly("3 RetriesExhaustedException");
    }

    @Test
    void retriesThatRunIntoTheDeadlineEndInATimeoutNotInExhaustion() throws Exception {
        RetryPolicy patient = RetryPolicy.builder().withMaxAttempts(1000).withBackoff(Duration.ofMillis(20),
                Duration.ofMillis(40)).build();
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.retry(patient)).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "1")));
        takeVersionTwoBehindTheHeadsBack(artifact.id());

        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "2")),
                AppendOptions.defaults().withTimeout(Duration.ofMillis(300))))
                .isInstanceOfSatisfying(AppendTimeoutException.class, e -> {
                    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
                    assertThat(e.getSuppressed()).isNotEmpty().allMatch(s -> s instanceof WriteConflictException);
                });
    }

    /**
     * Trap 7 of docs/architecture.md: with more writers than connections, a writer waits in the pool. Its
     * deadline must end that wait too, not the pool's own timeout (30 s here); the JUnit timeout only guards
     * against that hang.
     */
    @ParameterizedTest
    @MethodSource("allStrategies")
    @org.junit.jupiter.api.Timeout(20)
    void aWriterWaitingForAPooledConnectionTimesOutAtItsDeadline(String strategy) throws Exception {
        javax.sql.DataSource onlyOne = PG.newDataSource(1);
        try (AutoCloseable pool = (AutoCloseable) onlyOne) {
            ArtifactStore store = ArtifactStore.builder(onlyOne).strategy(Strategies.of(strategy)).build();
            Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
            try (Connection taken = onlyOne.getConnection()) {
                assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                        AppendOptions.defaults().withTimeout(Duration.ofMillis(300))))
                        .isInstanceOf(AppendTimeoutException.class);
                assertThat(Thread.currentThread().isInterrupted()).as("no stray interrupt").isFalse();
            }
            assertThat(store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x"))).version()).isEqualTo(1);
        }
    }

    /**
     * A pool that gives up before the append's deadline (no connection free within its own timeout) sent nothing,
     * so the append retries, whatever its key, and succeeds once a connection frees up.
     */
    @ParameterizedTest
    @MethodSource("allStrategies")
    void aBriefPoolExhaustionIsRetriedNotFailed(String strategy) throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(PG.jdbcUrl());
        config.setUsername(PG.server().user());
        config.setPassword(PG.server().password());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        try (com.zaxxer.hikari.HikariDataSource onlyOne = new com.zaxxer.hikari.HikariDataSource(config)) {
            // the connection is given back once the first attempt, refused by the pool, has scheduled its retry
            java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(1);
            ArtifactStore store = ArtifactStore.builder(onlyOne).strategy(Strategies.of(strategy))
                    .listener(new AppendListener() {
                        @Override
                        public void onRetryScheduled(AppendEvent.RetryScheduled event) {
                            refused.countDown();
                        }
                    }).build();
            Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
            Connection taken = onlyOne.getConnection();
            Thread release = new Thread(() -> {
                try {
                    refused.await();
                    taken.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            if (strategy.equals("naive") || strategy.equals("seed-retry")) {
                // the baselines retry nothing but a version collision
                assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x"))))
                        .isInstanceOf(StorageException.class).hasMessageContaining("no database connection");
                refused.countDown();
            } else {
                AppendResult result = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")));
                assertThat(result.version()).isEqualTo(1);
                assertThat(result.attempts()).isGreaterThan(1);
            }
            release.join();
        }
    }

    @Test
    void groupCommitCombinesConcurrentAppendsIntoBatchesAndReportsTheirSizes() {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.groupCommit())
                .listener(new AppendListener() {
                    @Override
                    public void onBatch(AppendEvent.BatchFormed event) {
                        sizes.add(event.batchSize());
                    }
                }).build();
        List<CodeFile> files = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            files.add(CodeFile.of("f" + i, "x"));
        }
        // appends that arrive together share a batch, which scheduling makes likely, not certain, on a loaded
        // machine: rounds until one batch had more than one member, each round checked whole
        int rounds = 0;
        while (rounds < 10 && sizes.stream().noneMatch(n -> n > 1)) {
            rounds++;
            sizes.clear();
            Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t");
            assertThat(ConcurrentAppends.puts(store, artifact.id(), files))
                    .allMatch(ConcurrentAppends.Outcome::succeeded);
            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).as("every append in exactly one batch")
                    .isEqualTo(32);
            assertThat(store.history(artifact.id())).hasSize(32);
            Invariants.check(PG.dataSource(), store, artifact.id());
        }
        assertThat(sizes).as("concurrent appends share transactions (%d rounds)", rounds).anyMatch(n -> n > 1);
    }

    /**
     * Two group-commit stores (two lanes, as two processes would have) on one artifact: each lane computes its next
     * batch on what its batch in flight will leave, so the other lane's commits make those guesses wrong; the
     * compare-and-set of the head catches every wrong guess (GL409) and the batch is retried on the locking path.
     */
    @Test
    void groupCommitLanesOfTwoStoresOnOneArtifactRetryWrongGuessesAndLoseNothing() {
        List<String> conflicts = Collections.synchronizedList(new ArrayList<>());
        AppendListener listener = new AppendListener() {
            @Override
            public void onConflict(AppendEvent.Conflict event) {
                conflicts.add(event.sqlState());
            }
        };
        ArtifactStore a = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.groupCommit())
                .listener(listener).build();
        ArtifactStore b = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.groupCommit())
                .listener(listener).build();
        UUID id = a.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        List<Change> changes = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            changes.add(Change.put(CodeFile.of("f" + (i % 7), "v" + i)));
            keys.add("k" + i);
        }
        List<ConcurrentAppends.Outcome> fromA = new ArrayList<>();
        List<ConcurrentAppends.Outcome> fromB = new ArrayList<>();
        Thread other = new Thread(() -> fromB.addAll(ConcurrentAppends.run(b, id, changes.subList(20, 40),
                keys.subList(20, 40))));
        other.start();
        fromA.addAll(ConcurrentAppends.run(a, id, changes.subList(0, 20), keys.subList(0, 20)));
        try {
            other.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(fromA).allMatch(ConcurrentAppends.Outcome::succeeded);
        assertThat(fromB).allMatch(ConcurrentAppends.Outcome::succeeded);
        assertThat(a.history(id)).hasSize(40);
        // nothing fails here but wrong guesses: every attempt after a member's first follows one reported conflict
        int retries = Stream.concat(fromA.stream(), fromB.stream())
                .mapToInt(o -> o.result().attempts() - 1).sum();
        assertThat(conflicts).as("one conflict per retried attempt").hasSize(retries)
                .allMatch(state -> state.equals("GL409"));
        Invariants.check(PG.dataSource(), a, id);
    }

    /** A writer outside Gapless inserts version 2 without moving the head: every unlocked attempt collides. */
    private static void takeVersionTwoBehindTheHeadsBack(UUID id) throws Exception {
        try (Connection c = PG.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO artifact_versions (artifact_id, version_number,"
                     + " file_count, change_json, change_summary) SELECT artifact_id, 2, file_count, change_json,"
                     + " change_summary FROM artifact_versions WHERE artifact_id = ? AND version_number = 1")) {
            s.setObject(1, id);
            s.executeUpdate();
        }
    }
}
