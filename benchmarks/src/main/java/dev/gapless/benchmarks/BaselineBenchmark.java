package dev.gapless.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.gapless.core.CodeFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The baselines every {@link AppendBenchmark} figure is a ratio of, over plain JDBC, with the same writers
 * ({@code -t N}), payload and settings:
 * <ul>
 *   <li>{@link #rawInsert} — the floor: one autocommitted single-row INSERT, no versioning at all;</li>
 *   <li>{@link #ceiling} — the fastest one-commit-per-version form on a hot artifact, one autocommitted statement
 *       {@code WITH h AS (UPDATE artifacts SET head_version = head_version + 1 … RETURNING head_version) INSERT INTO
 *       artifact_versions … FROM h}: the row lock lives only through that statement and its commit (what pgbench
 *       runs as the same statement);</li>
 *   <li>{@link #threeRoundTrips} — the same work in three round trips ({@code UPDATE … RETURNING}, INSERT, COMMIT),
 *       the lock held across all three: what 0.1's report called the ceiling, kept under an honest name;</li>
 *   <li>{@link #failsafeRetry} — retry-on-conflict as a user would write it without Gapless: the read-insert in a
 *       transaction, retried by a Failsafe {@code RetryPolicy} on SQLSTATE 23505 with jittered backoff.</li>
 * </ul>
 * {@link BatchLimitBenchmark} is the batch limit: k versions per such statement.
 * All writers share one artifact (the hot one). Each trial ends with the lost-file check ({@link Checks}).
 *
 * <p>Rerun one cell: {@code java -jar benchmarks/target/benchmarks.jar 'BaselineBenchmark.ceiling' -t 16}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(16)
public class BaselineBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String INSERT_VERSION = "INSERT INTO artifact_versions (artifact_id, version_number,"
            + " change_json, change_summary, idempotency_key, file_count) VALUES (?, ?, ?::jsonb, ?, ?, ?)";

    /** The database, the hot artifact and the raw table; one per trial. */
    @State(Scope.Benchmark)
    public static class Shared {

        BenchDatabase database;
        DataSource dataSource;
        UUID hot;
        final List<Writer> writers = new CopyOnWriteArrayList<>();
        /** What the user's Failsafe policy looks like: retry the version collision, jittered, bounded. */
        final RetryPolicy<Object> retryPolicy = RetryPolicy.builder()
                .handleIf(BaselineBenchmark::isVersionCollision)
                .withBackoff(Duration.ofMillis(2), Duration.ofMillis(100))
                .withJitter(0.5)
                .withMaxRetries(50)
                .withMaxDuration(Duration.ofSeconds(10))
                .build();
        private BenchmarkParams params;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) throws SQLException {
            this.params = params;
            database = BenchDatabase.create("baseline", params.getThreads());
            dataSource = database.dataSource();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_raw_insert (id bigserial PRIMARY KEY, writer int NOT NULL,"
                        + " seq bigint NOT NULL, payload jsonb NOT NULL)");
            }
            hot = database.insertHotArtifact();
        }

        /** Verifies that no successful append is missing, then drops the database. */
        @TearDown(Level.Trial)
        public void tearDown() throws SQLException {
            try {
                String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
                Checks checks = new Checks(params, method);
                List<Tally> tallies = writers.stream().map(w -> w.tally).toList();
                if (method.equals("rawInsert")) {
                    checkRawInsert(checks, tallies);
                } else {
                    checks.artifact(dataSource, hot, tallies, 0, method.equals("failsafeRetry"));
                }
                checks.finish();
            } finally {
                database.close();
            }
        }

        private void checkRawInsert(Checks checks, List<Tally> tallies) throws SQLException {
            long ok = 0;
            for (Tally t : tallies) {
                ok += t.ok;
                checks.failed(t.failed);
            }
            checks.ok(ok);
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT (writer, seq)) FROM bench_raw_insert")) {
                r.next();
                checks.versions(r.getLong(1));
                if (r.getLong(1) != ok || r.getLong(2) != ok) {
                    checks.violation(ok + " inserts succeeded but the table holds " + r.getLong(1) + " rows ("
                            + r.getLong(2) + " distinct)");
                }
            }
        }
    }

    /** One writer (JMH thread). */
    @State(Scope.Thread)
    public static class Writer {

        Tally tally;

        @Setup(Level.Trial)
        public void setUp(Shared shared) {
            synchronized (shared.writers) {
                tally = new Tally(shared.writers.size());
                shared.writers.add(this);
            }
        }
    }

    /**
     * The floor: one autocommitted INSERT of the same file JSON, no versioning.
     *
     * @return the generated id
     * @throws SQLException if the insert fails (it should not)
     */
    @Benchmark
    public long rawInsert(Shared shared, Writer writer) throws SQLException {
        long seq = writer.tally.next();
        try (Connection c = shared.dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "INSERT INTO bench_raw_insert (writer, seq, payload) VALUES (?, ?, ?::jsonb) RETURNING id")) {
            s.setInt(1, writer.tally.writer);
            s.setLong(2, seq);
            s.setString(3, fileJson(Workload.file(writer.tally.writer, seq)).toString());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                writer.tally.succeeded(seq);
                return r.getLong(1);
            }
        }
    }

    /**
     * The one-commit-per-version ceiling of a hot artifact: one autocommitted statement that moves the head (taking
     * the row lock) and inserts that version; the lock is released by the statement's own commit.
     *
     * @return the version number written
     * @throws SQLException if the statement fails (it should not: the row lock serializes the writers)
     */
    @Benchmark
    public int ceiling(Shared shared, Writer writer) throws SQLException {
        long seq = writer.tally.next();
        CodeFile file = Workload.file(writer.tally.writer, seq);
        try (Connection c = shared.dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(CEILING)) {
            s.setObject(1, shared.hot);
            s.setObject(2, shared.hot);
            s.setString(3, changeJson(file));
            s.setString(4, "Updated " + file.filename());
            s.setString(5, "w" + writer.tally.writer + "-" + seq);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                writer.tally.succeeded(seq);
                return r.getInt(1);
            }
        }
    }

    /** The ceiling's statement; {@link BatchLimitBenchmark} writes k versions with the same shape. */
    static final String CEILING = "WITH h AS (UPDATE artifacts SET head_version = head_version + 1 WHERE id = ?"
            + " RETURNING head_version) INSERT INTO artifact_versions (artifact_id, version_number, change_json,"
            + " change_summary, idempotency_key, file_count) SELECT ?, h.head_version, ?::jsonb, ?, ?, 1 FROM h"
            + " RETURNING version_number";

    /**
     * The ceiling's work in three round trips, the row lock held across them: {@code UPDATE artifacts … RETURNING
     * head_version}, then the INSERT of that version, then COMMIT.
     *
     * @return the version number written
     * @throws SQLException if the transaction fails (it should not: the row lock serializes the writers)
     */
    @Benchmark
    public int threeRoundTrips(Shared shared, Writer writer) throws SQLException {
        long seq = writer.tally.next();
        CodeFile file = Workload.file(writer.tally.writer, seq);
        try (Connection c = shared.dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int version;
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE artifacts SET head_version = head_version + 1 WHERE id = ? RETURNING head_version")) {
                    s.setObject(1, shared.hot);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        version = r.getInt(1);
                    }
                }
                insertVersion(c, shared.hot, version, file, writer.tally, seq, false);
                c.commit();
                writer.tally.succeeded(seq);
                return version;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Retry-on-conflict without Gapless, on the same tables: read the head, store the content, insert head+1,
     * upsert the file's row, move the head; Failsafe retries the whole transaction on a version collision.
     *
     * @return the version number written, or the exception when the retries ran out (counted)
     */
    @Benchmark
    public Object failsafeRetry(Shared shared, Writer writer) {
        long seq = writer.tally.next();
        CodeFile file = Workload.file(writer.tally.writer, seq);
        try {
            Integer version = Failsafe.with(shared.retryPolicy).get(() -> readInsert(shared, file, writer.tally, seq));
            writer.tally.succeeded(seq);
            return version;
        } catch (FailsafeException e) {
            writer.tally.failed();
            return e;
        }
    }

    private static int readInsert(Shared shared, CodeFile file, Tally tally, long seq) throws SQLException {
        try (Connection c = shared.dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int head;
                try (PreparedStatement s = c.prepareStatement("SELECT head_version FROM artifacts WHERE id = ?")) {
                    s.setObject(1, shared.hot);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        head = r.getInt(1);
                    }
                }
                insertVersion(c, shared.hot, head + 1, file, tally, seq, true);
                try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_files (artifact_id, filename,"
                        + " language, description, sha256, bytes, added_version, added_index)"
                        + " VALUES (?, ?, ?, ?, sha256(convert_to(?, 'UTF8')),"
                        + " octet_length(convert_to(?, 'UTF8')), ?, 0)"
                        + " ON CONFLICT (artifact_id, filename) DO UPDATE SET description = excluded.description,"
                        + " sha256 = excluded.sha256, bytes = excluded.bytes")) {
                    s.setObject(1, shared.hot);
                    s.setString(2, file.filename());
                    s.setString(3, file.language());
                    s.setString(4, file.description());
                    s.setString(5, file.content());
                    s.setString(6, file.content());
                    s.setInt(7, head + 1);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE artifacts SET head_version = ? WHERE id = ?")) {
                    s.setInt(1, head + 1);
                    s.setObject(2, shared.hot);
                    s.executeUpdate();
                }
                c.commit();
                return head + 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Stores the file's content (once per distinct content) and inserts a version whose change references it (the
     * failsafe baseline keeps the content, as a user's code would; the ceilings do not, as the issue defines them).
     */
    private static void insertVersion(Connection c, UUID artifact, int version, CodeFile file, Tally tally, long seq,
                                      boolean content) throws SQLException {
        if (content) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_contents (artifact_id, sha256,"
                    + " content) VALUES (?, sha256(convert_to(?, 'UTF8')), ?) ON CONFLICT DO NOTHING")) {
                s.setObject(1, artifact);
                s.setString(2, file.content());
                s.setString(3, file.content());
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement(INSERT_VERSION)) {
            s.setObject(1, artifact);
            s.setInt(2, version);
            s.setString(3, changeJson(file));
            s.setString(4, "Updated " + file.filename());
            s.setString(5, "w" + tally.writer + "-" + seq);
            s.setInt(6, 1);
            s.executeUpdate();
        }
    }

    /** The change a one-file put stores: the file by reference to its content's SHA-256. */
    static String changeJson(CodeFile file) {
        ObjectNode change = JSON.createObjectNode();
        change.put("op", "put");
        change.set("file", fileJson(file));
        return change.toString();
    }

    private static ObjectNode fileJson(CodeFile file) {
        ObjectNode node = JSON.createObjectNode();
        node.put("filename", file.filename());
        node.put("language", file.language());
        node.put("description", file.description());
        node.put("sha256", java.util.HexFormat.of().formatHex(sha256(file.content())));
        node.put("bytes", file.content().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        return node;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isVersionCollision(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
