package dev.gapless.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.AppendListener;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.AppendResult;
import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Outcome;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.Schema;
import dev.gapless.core.Sleeper;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The write pipeline's own guarantees, below the public API. */
class WritePipelineTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    private static final Limits LIMITS = new Limits(10_000, 1 << 20, 256L << 20);

    private static AppendRequest request(UUID id, Change change, Duration timeout) {
        return new AppendRequest(id, PreparedChange.of(change), null, null, timeout,
                Instant.now().plus(timeout), System.nanoTime());
    }

    /**
     * Regression: the lookup of files and keys ran on a generic plan the server cached (per connection, after a few
     * executions) while {@code artifact_versions} was small, a sequential scan; it stayed one as the history grew,
     * so every append read the whole history under the lock until the next ANALYZE. Measured here on one
     * connection, through the table statistics of its own transaction.
     */
    @Test
    void lookupsOfAGrownHistoryUseTheIndexNotAPlanCachedWhileItWasSmall() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        UUID other = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        try (Connection c = PG.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE artifact_versions"); // the statistics of a small table, as on a fresh database
            }
            for (int i = 0; i < 10; i++) { // past the driver's and the server's thresholds for a cached plan
                lookup(c, id, "k" + i);
                c.commit();
            }
            try (PreparedStatement grow = c.prepareStatement("INSERT INTO artifact_versions (artifact_id,"
                    + " version_number, change_json, change_summary, idempotency_key, file_count)"
                    + " SELECT ?, g, '{\"op\":\"delete\",\"filename\":\"x.txt\"}', 'Deleted x.txt', 'key-' || g, 0"
                    + " FROM generate_series(1, 20000) g")) {
                grow.setObject(1, other);
                grow.executeUpdate();
            }
            c.commit();

            // the counters of this backend not yet reported; within one transaction nothing is reported
            long[] before = scans(c);
            lookup(c, id, "k-last");
            long[] after = scans(c);
            c.rollback();
            assertThat(after[0] - before[0]).as("sequential scans of artifact_versions").isZero();
            assertThat(after[1] - before[1]).as("index scans of artifact_versions").isPositive();
        }
    }

    private static long[] scans(Connection c) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT seq_scan, idx_scan"
                + " FROM pg_stat_xact_user_tables WHERE relname = 'artifact_versions'")) {
            assertThat(r.next()).isTrue();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }

    private static void lookup(Connection c, UUID id, String key) throws java.sql.SQLException {
        Script s = new Script();
        Storage.readHead(s, new HeadRead(id), List.of("a.txt"), List.of(key), List.of());
        s.run(c);
    }

    /**
     * Regression: a group-commit batch ran on its earliest member's deadline, so a member with 10 s left failed
     * with a timeout because another member had 300 ms. Each member keeps its own.
     */
    @Test
    void eachMemberOfABatchKeepsItsOwnDeadline() throws Exception {
        UUID id = ArtifactStore.create(PG.dataSource()).getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        Connections connections = new Connections(PG.dataSource(), TimeSource.SYSTEM);
        Pipeline pipeline = new Pipeline(connections, LIMITS, Sleeper.SYSTEM, AppendListener.NONE);
        Engine rowLock = new TransactionEngine(connections, LIMITS, TransactionEngine.Locking.ROW, false, true);
        Member shortOne = new Member(request(id, Change.put(CodeFile.of("short.txt", "s")), Duration.ofMillis(300)), TimeSource.SYSTEM);
        Member longOne = new Member(request(id, Change.put(CodeFile.of("long.txt", "l")), Duration.ofSeconds(10)), TimeSource.SYSTEM);

        CountDownLatch locked = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (Connection c = PG.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM artifacts WHERE id = ? FOR UPDATE")) {
                    s.setObject(1, id);
                    s.executeQuery().close();
                }
                locked.countDown();
                // hold the row lock until the short member's deadline has passed: the server's lock timeout of a
                // batch run on that deadline is real time, so this waits in real time too
                while (Instant.now().isBefore(shortOne.request().deadline().plusMillis(100))) {
                    Thread.sleep(20);
                }
                c.rollback();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        holder.start();
        locked.await();
        pipeline.run(List.of(shortOne, longOne), rowLock, RetryPolicy.ofDefaults(),
                SqlErrors.RetryScope.SAFE_FAILURES);
        holder.join();

        assertThat(longOne.outcome().version()).isEqualTo(1);
        assertThat(Member.failureOf(shortOne.settled())).isInstanceOfSatisfying(AppendTimeoutException.class, e -> {
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
        });
    }

    /** Regression: a cancelled deadline alarm stayed queued until its time, one per append for 30 s. */
    @Test
    void deadlineAlarmsLeaveTheQueueWhenCancelled() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        for (int i = 0; i < 50; i++) {
            store.append(id, Change.put(CodeFile.of("f.txt", "v" + i)),
                    AppendOptions.defaults().withTimeout(Duration.ofSeconds(30)));
        }
        assertThat(Connections.ALARMS.getQueue()).isEmpty();
    }

    /**
     * Isolation is set inside each transaction: a serializable append leaves the session as it found it (a pooled
     * connection, behind PgBouncer shared with other clients, must not carry it), and appends and get-or-create
     * work on sessions whose default someone else left at SERIALIZABLE.
     */
    @Test
    void isolationIsSetInsideEachTransactionNeverOnTheSession() throws Exception {
        try (HikariDataSource one = pool(1, null)) {
            ArtifactStore store = ArtifactStore.builder(one).strategy(WriteStrategy.serializable()).build();
            UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
            store.append(id, Change.put(CodeFile.of("a.txt", "a")));
            try (Connection c = one.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT current_setting('default_transaction_isolation'),"
                         + " current_setting('transaction_isolation')")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo("read committed");
                assertThat(r.getString(2)).isEqualTo("read committed");
            }
        }
        String chat = "chat-" + UUID.randomUUID();
        try (HikariDataSource leaked = pool(16,
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE")) {
            for (String strategy : WriteStrategy.names()) { // the real strategies: the baselines are not listed
                ArtifactStore store = ArtifactStore.builder(leaked).strategy(WriteStrategy.named(strategy)).build();
                List<Thread> threads = new java.util.ArrayList<>();
                List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    Thread t = new Thread(() -> {
                        try {
                            UUID id = store.getOrCreate(chat + strategy, "code", "t").id();
                            AppendResult r = store.append(id, Change.put(CodeFile.of("f" + n, "x")));
                            assertThat(r.version()).isPositive();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    });
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(failures).as(strategy).isEmpty();
                assertThat(store.history(store.find(chat + strategy, "code").orElseThrow().id())).hasSize(8);
            }
        }
    }

    private static HikariDataSource pool(int size, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(PG.jdbcUrl());
        config.setUsername(PG.server().user());
        config.setPassword(PG.server().password());
        config.setMaximumPoolSize(size);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
            config.setTransactionIsolation(null);
        }
        return new HikariDataSource(config);
    }

    /** Regression: {@code Integer.parseInt} of a missing DETAIL threw out of the error translation. */
    @Test
    void aMissingOrGarbledDetailNeverThrows() throws Exception {
        java.sql.SQLException none = raise("DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = 'GL002'; END $$");
        java.sql.SQLException garbled = raise(
                "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = 'GL002', DETAIL = 'not a number'; END $$");
        assertThat(SqlErrors.detailNumber(none, -1)).isEqualTo(-1);
        assertThat(SqlErrors.detailNumber(garbled, -1)).isEqualTo(-1);
        Member m = new Member(new AppendRequest(UUID.randomUUID(), PreparedChange.of(Change.delete("x")),
                null, 3, Duration.ofSeconds(1), Instant.now(), System.nanoTime()), TimeSource.SYSTEM);
        assertThat(Failures.translate(garbled, m, LIMITS)).hasMessageContaining("expected 3");
    }

    private static java.sql.SQLException raise(String sql) throws Exception {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            return e;
        }
        throw new AssertionError("expected " + sql + " to fail");
    }
}
