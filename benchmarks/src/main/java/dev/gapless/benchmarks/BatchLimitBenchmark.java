package dev.gapless.benchmarks;

import dev.gapless.core.CodeFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The batch limit of a hot artifact: {@code k} versions per autocommitted statement, the ceiling's statement
 * ({@link BaselineBenchmark#ceiling}) moving the head by {@code k} and inserting {@code k} versions from
 * {@code generate_series}. No strategy that commits {@code k} versions at a time can beat it; {@code group-commit}
 * is judged against it at the batch sizes it forms. Versions per second = operations per second × {@code k}.
 *
 * <p>Rerun one cell: {@code java -jar benchmarks/target/benchmarks.jar BatchLimitBenchmark -p k=8 -t 16}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(16)
public class BatchLimitBenchmark {

    private static final String BATCH = "WITH h AS (UPDATE artifacts SET head_version = head_version + ? WHERE id = ?"
            + " RETURNING head_version) INSERT INTO artifact_versions (artifact_id, version_number, change_json,"
            + " change_summary, idempotency_key, file_count)"
            + " SELECT ?, h.head_version - ? + g.i, ?::jsonb, ?, ? || '-' || g.i, 1"
            + " FROM h, generate_series(1, ?) AS g(i)";

    /** The database and the hot artifact; one per trial. */
    @State(Scope.Benchmark)
    public static class Shared {

        /** Versions per statement. */
        @Param({"8", "16"})
        public int k;

        BenchDatabase database;
        UUID hot;
        final List<Tally> tallies = new CopyOnWriteArrayList<>();
        private BenchmarkParams params;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) throws SQLException {
            this.params = params;
            database = BenchDatabase.create("batch_limit", params.getThreads());
            hot = database.insertHotArtifact();
        }

        /** Verifies that the versions are exactly 1..head, k per successful statement, then drops the database. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                new Checks(params, "batchLimit").artifact(database.dataSource(), hot, tallies, 0, false).finish();
            } finally {
                database.close();
            }
        }
    }

    /** One writer (JMH thread). */
    @State(Scope.Thread)
    public static class Writer {

        Tally tally;

        @Setup(Level.Trial)
        public void setUp(Shared shared) {
            synchronized (shared.tallies) {
                tally = new Tally(shared.tallies.size());
                shared.tallies.add(tally);
            }
        }
    }

    /**
     * Writes {@code k} versions in one autocommitted statement.
     *
     * @return the number of versions written
     * @throws SQLException if the statement fails (it should not: the row lock serializes the writers)
     */
    @Benchmark
    public int batch(Shared shared, Writer writer) throws SQLException {
        long seq = writer.tally.next();
        CodeFile file = Workload.file(writer.tally.writer, seq);
        try (Connection c = shared.database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(BATCH)) {
            s.setInt(1, shared.k);
            s.setObject(2, shared.hot);
            s.setObject(3, shared.hot);
            s.setInt(4, shared.k);
            s.setString(5, BaselineBenchmark.changeJson(file));
            s.setString(6, "Updated " + file.filename());
            s.setString(7, "w" + writer.tally.writer + "-" + seq);
            s.setInt(8, shared.k);
            int written = s.executeUpdate();
            for (int i = 0; i < written; i++) {
                writer.tally.succeeded(seq);
            }
            return written;
        }
    }
}
