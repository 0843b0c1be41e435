package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 18 item 11: a replayed response must not change the artifact. A keyed append rejected for the artifact's
 * state (a missing file, a file that exists, an edit that does not apply, a limit) keeps its key: its replay meets
 * the same rejection (type, reason, message, nothing written) even when the artifact has changed so that it would
 * now succeed. Transient failures and input validation spend nothing: their replay runs.
 */
class KeyedRejectionReplayTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    static Stream<String> strategies() {
        return WriteStrategy.names().stream(); // the real strategies: the lossy baselines are not listed
    }

    private static ArtifactStore store(String strategy) {
        return ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
    }

    private static AppendOptions key(String key) {
        return AppendOptions.defaults().withIdempotencyKey(key);
    }

    private static UUID artifact(ArtifactStore store) {
        return store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aReplayedRejectedDeleteDoesNotDeleteTheFileTheFirstRunAdded(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);

        InvalidChangeException first = catchThrowableOfType(() -> store.append(id, Change.delete("g.txt"),
                key("call_delete")), InvalidChangeException.class);
        store.append(id, Change.put(CodeFile.of("g.txt", "added")), key("call_add"));

        InvalidChangeException replay = catchThrowableOfType(() -> store.append(id, Change.delete("g.txt"),
                key("call_delete")), InvalidChangeException.class);
        AppendResult addAgain = store.append(id, Change.put(CodeFile.of("g.txt", "added")), key("call_add"));

        assertThat(first.reason()).isEqualTo(InvalidChangeException.Reason.NO_SUCH_FILE);
        assertThat(replay.reason()).isEqualTo(first.reason());
        assertThat(replay.getMessage()).isEqualTo(first.getMessage());
        assertThat(replay.outcome()).isEqualTo(Outcome.NOT_APPLIED);
        assertThat(addAgain.deduplicated()).isTrue();
        assertThat(store.history(id)).hasSize(1);
        assertThat(store.file(id, "g.txt")).map(f -> f.file().content()).contains("added");
        Invariants.check(PG.dataSource(), store, id);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aReplayedRejectionIsAnsweredTheSameWhicheverStrategyRecordedIt(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.put(CodeFile.of("a.txt", "alpha")));
        List<Change> rejected = List.of(Change.create(CodeFile.of("a.txt", "again")), Change.delete("b.txt"),
                Change.edit("a.txt", "beta", "gamma"));
        List<String> firsts = new ArrayList<>();
        for (int i = 0; i < rejected.size(); i++) {
            int n = i;
            firsts.add(describe(catchThrowableOfType(() -> store.append(id, rejected.get(n), key("k" + n)),
                    InvalidChangeException.class)));
        }
        // now every one of them would succeed if it ran again
        store.append(id, Change.batch(List.of(Change.delete("a.txt"),
                Change.put(CodeFile.of("b.txt", "beta")))));
        store.append(id, Change.put(CodeFile.of("a.txt", "beta")));
        int head = store.find(id).orElseThrow().headVersion();

        for (String other : Strategies.all()) {
            ArtifactStore replaying = store(other);
            for (int i = 0; i < rejected.size(); i++) {
                int n = i;
                assertThat(describe(catchThrowableOfType(() -> replaying.append(id, rejected.get(n), key("k" + n)),
                        InvalidChangeException.class))).as("replay of k%d by %s", n, other).isEqualTo(firsts.get(n));
            }
        }
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(head);
        assertThat(store.file(id, "a.txt")).map(f -> f.file().content()).contains("beta");
        Invariants.check(PG.dataSource(), store, id);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLimitRejectionIsReplayedAfterRoomWasMade(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy))
                .maxFiles(1).build();
        UUID id = artifact(store);
        store.append(id, Change.put(CodeFile.of("a.txt", "a")));
        InvalidChangeException first = catchThrowableOfType(() -> store.append(id,
                Change.put(CodeFile.of("b.txt", "b")), key("call_b")), InvalidChangeException.class);
        store.append(id, Change.delete("a.txt"));

        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("b.txt", "b")), key("call_b")))
                .isInstanceOfSatisfying(InvalidChangeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidChangeException.Reason.TOO_MANY_FILES);
                    assertThat(e.getMessage()).isEqualTo(first.getMessage());
                });
        assertThat(store.files(id).files()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anotherChangeUnderARejectedKeyIsAReuseOfTheKey(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        assertThatThrownBy(() -> store.append(id, Change.delete("g.txt"), key("call_1")))
                .isInstanceOf(InvalidChangeException.class);

        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("g.txt", "x")), key("call_1")))
                .isInstanceOfSatisfying(IdempotencyKeyReusedException.class, e -> {
                    assertThat(e.version()).isZero();
                    assertThat(e.getMessage()).contains("already used by a call that was rejected");
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                });
        assertThat(store.history(id)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aRejectedCallLeavesNoContentBehind(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.put(CodeFile.of("a.txt", "kept")));
        long before = contents(id);

        assertThatThrownBy(() -> store.append(id, Change.create(CodeFile.of("a.txt", "never stored")),
                key("call_1"))).isInstanceOf(InvalidChangeException.class);
        assertThatThrownBy(() -> store.append(id, Change.create(CodeFile.of("a.txt", "never stored")),
                key("call_1"))).isInstanceOf(InvalidChangeException.class);

        assertThat(contents(id)).isEqualTo(before);
        assertThat(recorded(id)).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void inputValidationSpendsNoKey(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("../x.txt", "x")), key("call_1")))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChangeException.Reason.PATH_TRAVERSAL));

        assertThat(recorded(id)).isZero();
        assertThat(store.append(id, Change.put(CodeFile.of("x.txt", "x")), key("call_1")).version()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLockTimeoutSpendsNoKeyAndTheReplayRuns(String strategy) throws SQLException {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        try (Connection hog = PG.dataSource().getConnection()) {
            hog.setAutoCommit(false);
            try (PreparedStatement lock = hog.prepareStatement("SELECT 1 FROM artifacts WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, id);
                lock.executeQuery().close();
            }
            assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("g.txt", "x")),
                    key("call_1").withTimeout(Duration.ofMillis(400))))
                    .isInstanceOfSatisfying(AppendTimeoutException.class,
                            e -> assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED));
            hog.rollback();
        }

        AppendResult replay = store.append(id, Change.put(CodeFile.of("g.txt", "x")), key("call_1"));

        assertThat(replay.deduplicated()).isFalse();
        assertThat(replay.version()).isEqualTo(1);
        assertThat(recorded(id)).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aRejectionWhoseCommitReplyWasLostIsFoundRecordedNotUnknown(String strategy) {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        ArtifactStore store = ArtifactStore.builder(faulty).strategy(Strategies.of(strategy)).build();
        UUID id = artifact(store);

        faulty.loseRepliesToNextCommits(1);
        assertThatThrownBy(() -> store.append(id, Change.delete("g.txt"), key("call_1")))
                .isInstanceOfSatisfying(InvalidChangeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidChangeException.Reason.NO_SUCH_FILE);
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                });
        assertThat(faulty.injected()).isEqualTo(1);
        assertThat(recorded(id)).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void concurrentRejectionsAndWritesReplayExactly(String strategy) throws Exception {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        int calls = 24;
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            // odd calls delete what an even call adds, so whether each delete finds its file depends on the race
            changes.add(i % 2 == 0 ? Change.put(CodeFile.of("f" + i + ".txt", "x" + i)) : Change.delete("f" + (i - 1)
                    + ".txt"));
        }
        List<String> first = runAll(store, id, changes);
        int head = store.find(id).orElseThrow().headVersion();

        List<String> again = runAll(store, id, changes);

        assertThat(again).isEqualTo(first.stream().map(o -> o.replace(" written", " dedup")).toList());
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(head);
        Invariants.check(PG.dataSource(), store, id);
    }

    private static List<String> runAll(ArtifactStore store, UUID id, List<Change> changes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < changes.size(); i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    try {
                        AppendResult r = store.append(id, changes.get(n), key("c" + n));
                        return r.version() + (r.deduplicated() ? " dedup" : " written");
                    } catch (InvalidChangeException e) {
                        return describe(e);
                    }
                }));
            }
            List<String> out = new ArrayList<>();
            for (Future<String> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String describe(InvalidChangeException e) {
        return e.reason() + ": " + e.getMessage() + " (" + e.outcome() + ")";
    }

    private static long contents(UUID id) {
        return count("SELECT count(*) FROM artifact_contents WHERE artifact_id = ?", id);
    }

    private static long recorded(UUID id) {
        return count("SELECT count(*) FROM artifact_key_failures WHERE artifact_id = ?", id);
    }

    private static long count(String sql, UUID id) {
        try (Connection c = PG.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
