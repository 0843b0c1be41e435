package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.Snapshot;
import dev.gapless.core.internal.JsonCodec;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checker proves it can see: deliberately broken writers, each of which it must report. */
class HistoryCheckerSelfTest {

    private static PostgresServer server;
    private static TestDatabase db;
    private static HikariDataSource pool;

    @BeforeAll
    static void database() {
        server = PostgresServer.shared();
        db = server.createDatabase("chaos_checker");
        pool = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 20, Duration.ofSeconds(10),
                "chaos-checker");
    }

    @AfterAll
    static void drop() {
        pool.close();
        db.close();
    }

    @Test
    void reportsTheNaiveStrategyLosingWritesUnderConcurrency() throws Exception {
        List<UUID> artifacts = Chaos.artifacts(pool, "checker-naive", 1);
        ArtifactStore naive = ArtifactStore.builder(pool).strategy(WriteStrategy.naive()).build();
        Workload workload = Workload.builder("naive").stores(List.of(naive)).artifacts(artifacts).writers(16)
                .maxOpsPerWriter(15).duration(Duration.ofSeconds(30)).retry(false).build();
        List<AppendRecord> records = workload.run();
        List<Violation> violations = new HistoryChecker(pool).check(artifacts, records);
        report("checker_sees_naive", records, violations);
        assertThat(rules(violations)).as(text(violations)).containsExactly(Violation.Rule.LOST_WRITE);
        assertThat(violations).allMatch(v -> v.detail().contains("WriteConflictException"));
    }

    @Test
    void reportsAKeylessResendAfterALostCommitAsADuplicate() throws Exception {
        UUID artifact = Chaos.artifacts(pool, "checker-resend", 1).get(0);
        try (LoopbackProxy proxy = new LoopbackProxy("localhost", Chaos.port(db.jdbcUrl()));
             HikariDataSource proxied = Chaos.pool(proxy.jdbcUrl(db.name()), server.user(), server.password(), 2,
                     Duration.ofSeconds(5), "chaos-checker-proxied")) {
            ArtifactStore store = ArtifactStore.builder(proxied).strategy(WriteStrategy.rowLock()).build();
            List<AppendRecord> records = new ArrayList<>();
            records.add(keyed(store, artifact, "before", "a.txt"));
            // the broken writer: no key, and on a lost connection it sends the same change again
            Change change = Change.put(new CodeFile("b.txt", "text", "resent #1", "resend"));
            proxy.loseNextCommitReplies(1);
            List<Outcome> tries = new ArrayList<>();
            try {
                store.append(artifact, change);
                tries.add(new Outcome.Acked(-1, false));
            } catch (ConnectionLostException e) {
                tries.add(Outcome.of(e));
                tries.add(Outcome.of(store.append(artifact, change)));
            }
            records.add(new AppendRecord("resend", "resender", "row-lock", artifact, null, change, tries));
            records.add(keyed(store, artifact, "after", "c.txt"));
            assertThat(proxy.commitRepliesLost()).as("a COMMIT landed with its reply lost").isEqualTo(1);
            assertThat(tries.get(0)).isInstanceOf(Outcome.Unknown.class);

            List<Violation> violations = new HistoryChecker(pool).check(List.of(artifact), records);
            report("checker_sees_keyless_resend", records, violations);
            assertThat(rules(violations)).as(text(violations))
                    .containsExactly(Violation.Rule.PRESENT_MORE_THAN_ONCE);
            assertThat(violations.get(0).versions()).hasSize(2);

            // the same writer with a key: the resend is deduplicated and the checker is satisfied
            UUID clean = Chaos.artifacts(pool, "checker-resend-keyed", 1).get(0);
            Change keyedChange = Change.put(new CodeFile("b.txt", "text", "resent #2", "resend"));
            proxy.loseNextCommitReplies(1);
            List<Outcome> keyedTries = new ArrayList<>();
            AppendOptions options = AppendOptions.defaults().withIdempotencyKey("resend-key");
            keyedTries.add(Outcome.of(store.append(clean, keyedChange, options)));
            List<AppendRecord> cleanRecords = List.of(new AppendRecord("resend-keyed", "resender", "row-lock", clean,
                    "resend-key", keyedChange, keyedTries));
            assertThat(keyedTries.get(0)).isEqualTo(new Outcome.Acked(1, true));
            assertThat(new HistoryChecker(pool).check(List.of(clean), cleanRecords)).isEmpty();
        }
    }

    @Test
    void reportsAnUnlockedReadComputeWrite() throws Exception {
        UUID artifact = Chaos.artifacts(pool, "checker-unlocked", 1).get(0);
        ConcurrentLinkedQueue<AppendRecord> records = new ConcurrentLinkedQueue<>();
        int writers = 8;
        CountDownLatch done = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            final int writer = w;
            new Thread(() -> {
                try {
                    Random random = new Random(writer);
                    for (int n = 0; n < 10; n++) {
                        String op = "unlocked-w" + writer + "-" + n;
                        Change change = Change.put(new CodeFile("w" + writer + "/f" + n + ".txt", "text", op, op));
                        records.add(new AppendRecord(op, "unlocked-" + writer, "unlocked", artifact, op, change,
                                List.of(unlockedAppend(pool, artifact, change, op, random))));
                    }
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        List<Violation> violations = new HistoryChecker(pool).check(List.of(artifact), records);
        report("checker_sees_unlocked_read_compute_write", records, violations);
        assertThat(rules(violations)).as(text(violations)).contains(Violation.Rule.CONTENT_NOT_DERIVED);
        assertThat(violations).filteredOn(v -> v.rule() == Violation.Rule.CONTENT_NOT_DERIVED)
                .allMatch(v -> v.detail().contains("lost [w"));
    }

    @Test
    void reportsTamperedHistories() throws Exception {
        UUID artifact = Chaos.artifacts(pool, "checker-tamper", 1).get(0);
        ArtifactStore store = ArtifactStore.builder(pool).strategy(WriteStrategy.rowLock()).build();
        List<AppendRecord> records = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            records.add(keyed(store, artifact, "t" + i, "f" + i + ".txt"));
        }
        assertThat(new HistoryChecker(pool).check(List.of(artifact), records)).isEmpty();
        try (Connection c = pool.getConnection()) {
            execute(c, "DELETE FROM artifact_versions WHERE artifact_id = ? AND version_number = 3", artifact);
            execute(c, "UPDATE artifact_versions SET idempotency_key = 'stranger' WHERE artifact_id = ?"
                    + " AND version_number = 5", artifact);
            execute(c, "UPDATE artifacts SET head_version = 9 WHERE id = ?", artifact);
            execute(c, "UPDATE artifact_versions SET content_json = '{\"files\": []}' WHERE artifact_id = ?"
                    + " AND version_number = 2", artifact);
        }
        Set<Violation.Rule> seen = rules(new HistoryChecker(pool).check(List.of(artifact), records));
        assertThat(seen).contains(Violation.Rule.NOT_CONTIGUOUS, Violation.Rule.HEAD_NOT_MAX,
                Violation.Rule.CONTENT_NOT_DERIVED, Violation.Rule.ACKED_MISSING, Violation.Rule.NOT_ATTEMPTED);
        // an unresolved unknown outcome is a violation by itself
        AppendRecord unresolved = new AppendRecord("u", "w", "row-lock", artifact, "never-resolved",
                Change.delete("nothing.txt"), List.of(new Outcome.Unknown("ConnectionLostException")));
        assertThat(rules(new HistoryChecker(pool).check(List.of(), List.of(unresolved))))
                .contains(Violation.Rule.UNKNOWN_UNRESOLVED);
    }

    /**
     * The broken writer: reads head and content without any lock, then takes the next number atomically
     * ({@code UPDATE … RETURNING}) so it never collides, and writes a version computed from a stale snapshot.
     */
    private static Outcome unlockedAppend(DataSource ds, UUID artifact, Change change, String key, Random random) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            Snapshot content = Snapshot.empty();
            try (PreparedStatement s = c.prepareStatement("SELECT v.content_json::text FROM artifacts a"
                    + " JOIN artifact_versions v ON v.artifact_id = a.id AND v.version_number = a.head_version"
                    + " WHERE a.id = ?")) {
                s.setObject(1, artifact);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        content = JsonCodec.snapshotFromJson(r.getString(1));
                    }
                }
            }
            Thread.sleep(random.nextInt(4));
            int next;
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE artifacts SET head_version = head_version + 1 WHERE id = ? RETURNING head_version")) {
                s.setObject(1, artifact);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    next = r.getInt(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_versions (artifact_id,"
                    + " version_number, content_json, change_json, change_summary, idempotency_key)"
                    + " VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?)")) {
                s.setObject(1, artifact);
                s.setInt(2, next);
                s.setString(3, JsonCodec.snapshotToJson(change.apply(content)));
                s.setString(4, JsonCodec.changeToJson(change));
                s.setString(5, change.summary(content));
                s.setString(6, key);
                s.executeUpdate();
            }
            c.commit();
            return new Outcome.Acked(next, false);
        } catch (SQLException | InterruptedException e) {
            return new Outcome.Failed(e.getClass().getSimpleName(), false);
        }
    }

    private static AppendRecord keyed(ArtifactStore store, UUID artifact, String key, String filename) {
        Change change = Change.put(new CodeFile(filename, "text", key, key));
        return new AppendRecord(key, "keyed", store.strategy().name(), artifact, key, change, List.of(Outcome.of(
                store.append(artifact, change, AppendOptions.defaults().withIdempotencyKey(key)))));
    }

    private static void execute(Connection c, String sql, UUID artifact) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, artifact);
            s.executeUpdate();
        }
    }

    private static Set<Violation.Rule> rules(List<Violation> violations) {
        Set<Violation.Rule> rules = EnumSet.noneOf(Violation.Rule.class);
        violations.forEach(v -> rules.add(v.rule()));
        return rules;
    }

    private static String text(List<Violation> violations) {
        return violations.stream().limit(20).map(Violation::toString).collect(Collectors.joining("\n"));
    }

    private static void report(String name, java.util.Collection<AppendRecord> records, List<Violation> violations) {
        ChaosReport.record(ChaosReport.figures(name, records.stream().map(AppendRecord::strategy).distinct().toList(),
                0, 0, records, records.stream().mapToLong(r -> r.tries().size()).sum(), 0, java.util.Map.of(),
                violations, null, java.util.Map.of("expected", "violations > 0: this writer is broken on purpose")));
    }
}
