package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.ConnectionLostException;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
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
    void understandsAPrunedPrefixAndReportsOneWithoutItsManifest() throws Exception {
        List<UUID> artifacts = Chaos.artifacts(pool, "checker-pruned", 1);
        ArtifactStore store = ArtifactStore.builder(pool).strategy(WriteStrategy.rowLock()).build();
        Workload workload = Workload.builder("pruned").stores(List.of(store)).artifacts(artifacts).writers(6)
                .maxOpsPerWriter(25).duration(Duration.ofSeconds(30)).build();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread pruner = new Thread(() -> {
            while (!done.get()) {
                store.lifecycle().prune(artifacts.get(0), dev.gapless.core.Retention.keepLast(10));
            }
        }, "checker-pruner");
        pruner.start();
        List<AppendRecord> records;
        try {
            records = workload.run();
        } finally {
            done.set(true);
            pruner.join(60_000);
        }
        store.lifecycle().prune(artifacts.get(0), dev.gapless.core.Retention.keepLast(10));
        List<Violation> violations = new HistoryChecker(pool).check(artifacts, records);
        report("checker_understands_pruned", records, violations, "no violation: pruning is not a lost write");
        assertThat(violations).as(text(violations)).isEmpty();
        int head = store.find(artifacts.get(0)).orElseThrow().headVersion();
        assertThat(head).as("enough versions to prune").isGreaterThan(10);
        assertThat(store.history(artifacts.get(0))).hasSize(10);

        // the same history with the manifest of its oldest kept version gone cannot be rebuilt: reported
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM artifact_manifests WHERE artifact_id = ? AND version_number = ?")) {
            s.setObject(1, artifacts.get(0));
            s.setInt(2, head - 9);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        List<Violation> broken = new HistoryChecker(pool).check(artifacts, records);
        assertThat(rules(broken)).as(text(broken)).contains(Violation.Rule.NOT_CONTIGUOUS);
        assertThat(text(broken)).contains("has no manifest");
    }

    @Test
    void understandsMergedWholeFileWritesAndReportsOneStoredUnmerged() throws Exception {
        List<UUID> artifacts = Chaos.artifacts(pool, "checker-merged", 1);
        ArtifactStore store = ArtifactStore.builder(pool).strategy(WriteStrategy.rowLock()).build();
        Workload workload = Workload.builder("merged").stores(List.of(store)).artifacts(artifacts).writers(8)
                .maxOpsPerWriter(40).duration(Duration.ofSeconds(30)).build();
        List<AppendRecord> records = workload.run();
        List<Violation> violations = new HistoryChecker(pool).check(artifacts, records);
        report("checker_understands_merges", records, violations, "no violation: a merge keeps both changes");
        assertThat(violations).as(text(violations)).isEmpty();
        long basedAcked = records.stream().filter(r -> r.change() instanceof Change.PutFile p
                && p.baseVersion() != Change.PutFile.NO_BASE && r.last() instanceof Outcome.Acked).count();
        assertThat(basedAcked).as("acknowledged whole-file writes with a base").isPositive();

        // a merged version stored as the writer sent it, as if the other change had been overwritten: reported
        int merged;
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE artifact_versions SET change_json = jsonb_set(jsonb_set(change_json, '{file,sha256}',"
                        + " change_json -> 'merged' -> 'sha256'), '{file,bytes}', change_json -> 'merged' -> 'bytes')"
                        + " WHERE artifact_id = ? AND version_number = (SELECT max(version_number)"
                        + " FROM artifact_versions WHERE artifact_id = ? AND change_json -> 'merged' IS NOT NULL)"
                        + " RETURNING version_number")) {
            s.setObject(1, artifacts.get(0));
            s.setObject(2, artifacts.get(0));
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("a version that merged").isTrue();
                merged = r.getInt(1);
            }
        }
        List<Violation> broken = new HistoryChecker(pool).check(artifacts, records);
        assertThat(broken).as(text(broken)).anyMatch(v -> v.rule() == Violation.Rule.MERGE_NOT_DERIVED
                && v.versions().contains(merged));
    }

    @Test
    void reportsTheNaiveStrategyLosingWritesUnderConcurrency() throws Exception {
        List<UUID> artifacts = Chaos.artifacts(pool, "checker-naive", 1);
        ArtifactStore naive = ArtifactStore.builder(pool).strategy(WriteStrategy.lossyBaseline("naive")).build();
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
            // the broken writer: no key, and on a lost connection it sends the same change again. (A change of puts
            // only would find the head already as it says and add no version, "unchanged": this one deletes too.)
            records.add(keyed(store, artifact, "before-b", "b.txt"));
            Change change = Change.batch(List.of(Change.delete("b.txt"),
                    Change.put(new CodeFile("b.txt", "text", "resent #1", "resend"))));
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
        int rounds = 10;
        // every writer of a round reads before any of them writes: each round is a race, and not by luck
        CyclicBarrier allRead = new CyclicBarrier(writers);
        Runnable afterRead = () -> {
            try {
                allRead.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("writers did not line up", e);
            }
        };
        List<String> written = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            final int writer = w;
            for (int n = 0; n < rounds; n++) {
                written.add("w" + writer + "/f" + n + ".txt");
            }
            threads.add(new Thread(() -> {
                for (int n = 0; n < rounds; n++) {
                    String op = "unlocked-w" + writer + "-" + n;
                    Change change = Change.put(new CodeFile("w" + writer + "/f" + n + ".txt", "text", op, op));
                    records.add(new AppendRecord(op, "unlocked-" + writer, "unlocked", artifact, op, change,
                            List.of(UnlockedWriter.append(pool, artifact, change, op, afterRead))));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(records).as("every unlocked append was acknowledged")
                .allMatch(r -> r.last() instanceof Outcome.Acked);
        List<String> lost = new ArrayList<>(written);
        lost.removeAll(headFilenames(artifact));

        List<Violation> violations = new HistoryChecker(pool).check(List.of(artifact), records);
        report("checker_sees_unlocked_read_compute_write", records, violations);
        // every change is stored, so the history itself is whole; what it derives is not
        assertThat(rules(violations)).as(text(violations)).containsExactly(Violation.Rule.CONTENT_NOT_DERIVED);
        assertThat(lost).as("files the last writer of each round dropped from the head").isNotEmpty();
        assertThat(violations).as(text(violations))
                .anySatisfy(v -> assertThat(v.detail()).startsWith("artifact_files is not the replayed content(")
                        .contains(lost).doesNotContain("unexpected"))
                .anySatisfy(v -> assertThat(v.detail()).startsWith("manifest(").contains("lost [w"));
    }

    @Test
    void reportsTamperedHistories() throws Exception {
        ArtifactStore store = ArtifactStore.builder(pool).strategy(WriteStrategy.rowLock()).build();
        UUID artifact = Chaos.artifacts(pool, "checker-tamper", 1).get(0);
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
        }
        Set<Violation.Rule> seen = rules(new HistoryChecker(pool).check(List.of(artifact), records));
        assertThat(seen).contains(Violation.Rule.NOT_CONTIGUOUS, Violation.Rule.HEAD_NOT_MAX,
                Violation.Rule.ACKED_MISSING, Violation.Rule.NOT_ATTEMPTED);
        // an unresolved unknown outcome is a violation by itself
        AppendRecord unresolved = new AppendRecord("u", "w", "row-lock", artifact, "never-resolved",
                Change.delete("nothing.txt"), List.of(new Outcome.Unknown("ConnectionLostException")));
        assertThat(rules(new HistoryChecker(pool).check(List.of(), List.of(unresolved))))
                .contains(Violation.Rule.UNKNOWN_UNRESOLVED);
    }

    @Test
    void reportsTamperedManifestsHeadFilesAndContents() throws Exception {
        ArtifactStore store = ArtifactStore.builder(pool).strategy(WriteStrategy.rowLock()).build();
        UUID artifact = Chaos.artifacts(pool, "checker-tamper-derived", 1).get(0);
        List<AppendRecord> records = new ArrayList<>();
        Integer manifest = null;
        for (int i = 1; manifest == null && i <= 300; i++) {
            records.add(keyed(store, artifact, "d" + i, "f" + i + ".txt"));
            manifest = firstManifest(artifact);
        }
        assertThat(manifest).as("the store wrote a manifest").isNotNull();
        for (int i = 1; i <= 3; i++) {
            records.add(keyed(store, artifact, "after" + i, "f" + i + ".txt")); // updates, after the manifest
        }
        records.add(new AppendRecord("gone", "keyed", "row-lock", artifact, "gone", Change.delete("f4.txt"),
                List.of(Outcome.of(store.append(artifact, Change.delete("f4.txt"),
                        AppendOptions.defaults().withIdempotencyKey("gone"))))));
        assertThat(new HistoryChecker(pool).check(List.of(artifact), records)).isEmpty();

        String firstInManifest = "f1.txt";
        String described = "f5.txt";
        String movedLast = "f2.txt";
        CodeFile rewritten = ((Change.PutFile) records.get(5).change()).file();
        try (Connection c = pool.getConnection()) {
            execute(c, "UPDATE artifact_manifests SET files = files - 0 WHERE artifact_id = ? AND version_number = "
                    + manifest, artifact);
            execute(c, "UPDATE artifact_files SET description = 'tampered' WHERE artifact_id = ? AND filename = '"
                    + described + "'", artifact);
            execute(c, "UPDATE artifact_files SET added_version = 1000000 WHERE artifact_id = ? AND filename = '"
                    + movedLast + "'", artifact);
            execute(c, "UPDATE artifact_contents SET content = 'tampered' WHERE artifact_id = ? AND sha256 = decode('"
                    + StoredJson.sha256Hex(rewritten.content()) + "', 'hex')", artifact);
        }
        List<Violation> violations = new HistoryChecker(pool).check(List.of(artifact), records);
        int m = manifest;
        assertThat(violations).as(text(violations))
                .anySatisfy(v -> assertThat(v).returns(Violation.Rule.CONTENT_NOT_DERIVED, Violation::rule)
                        .returns(List.of(m), Violation::versions).extracting(Violation::detail).asString()
                        .startsWith("manifest(" + m + ")").contains("lost [" + firstInManifest + "]"))
                .anySatisfy(v -> assertThat(v).returns(Violation.Rule.CONTENT_NOT_DERIVED, Violation::rule)
                        .extracting(Violation::detail).asString().startsWith("artifact_files")
                        .contains("changed [" + described).contains("'tampered'")
                        .containsPattern("order \\[f1.txt, f3.txt, .*, " + movedLast + "\\], the replay's \\[f1.txt, "
                                + movedLast + ", f3.txt"))
                .anySatisfy(v -> assertThat(v).returns(Violation.Rule.CONTENT_MISSING, Violation::rule)
                        .extracting(Violation::detail).asString()
                        .contains(StoredJson.sha256Hex(rewritten.content())))
                .anySatisfy(v -> assertThat(v).returns(Violation.Rule.NOT_ATTEMPTED, Violation::rule)
                        .returns(List.of(records.get(5).key()), Violation::keys));
    }

    private static Integer firstManifest(UUID artifact) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT min(version_number) FROM artifact_manifests"
                     + " WHERE artifact_id = ?")) {
            s.setObject(1, artifact);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                int v = r.getInt(1);
                return r.wasNull() ? null : v;
            }
        }
    }

    private static List<String> headFilenames(UUID artifact) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT filename FROM artifact_files WHERE artifact_id = ?")) {
            s.setObject(1, artifact);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
        }
        return names;
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
        report(name, records, violations, "violations > 0: this writer is broken on purpose");
    }

    private static void report(String name, java.util.Collection<AppendRecord> records, List<Violation> violations,
                               String expected) {
        ChaosReport.record(ChaosReport.figures(name, records.stream().map(AppendRecord::strategy).distinct().toList(),
                0, 0, records, records.stream().mapToLong(r -> r.tries().size()).sum(), 0, java.util.Map.of(),
                violations, null, java.util.Map.of("expected", expected)));
    }
}
