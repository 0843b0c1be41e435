package dev.gapless.benchmarks;

import dev.gapless.core.AppendOptions;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.GaplessException;
import java.util.ArrayList;
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
 * Artifact-size scaling: the latency of one append (overwriting one file) to an artifact that already holds
 * {@code files} files. An append reads and writes only the rows of the files it names, so its cost should not grow
 * with the artifact (with 0.1's full snapshot per version it grew about 40x from 1 to 1,000 files). One writer by
 * default ({@code -t} adds writers, each with its own file in the artifact).
 *
 * <p>Rerun one cell: {@code java -jar benchmarks/target/benchmarks.jar SnapshotSizeBenchmark -p files=1000
 * -p strategy=server-function}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class SnapshotSizeBenchmark {

    /** The store, and the artifact preloaded with {@code files} files in one version. */
    @State(Scope.Benchmark)
    public static class Shared {

        /** Files already in the artifact when the run starts. */
        @Param({"1", "100", "1000", "10000"})
        public int files;

        /** The write strategy, by name. */
        @Param({"row-lock", "server-function", "group-commit"})
        public String strategy;

        BenchDatabase database;
        ArtifactStore store;
        UUID artifact;
        final List<Writer> writers = new CopyOnWriteArrayList<>();
        private BenchmarkParams params;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            this.params = params;
            database = BenchDatabase.create("snapshot", params.getThreads());
            store = ArtifactStore.builder(database.dataSource()).strategy(Strategies.named(strategy)).build();
            artifact = store.getOrCreate("bench-snapshot", "code", files + " files").id();
            int writerFiles = Math.min(files, params.getThreads());
            List<Change> preload = new ArrayList<>(files);
            for (int w = 0; w < writerFiles; w++) {
                preload.add(Change.put(Workload.file(w, 0)));
            }
            for (int n = writerFiles; n < files; n++) {
                preload.add(Change.put(Workload.filler(n)));
            }
            store.append(artifact, Change.batch(preload));
        }

        /** Verifies that no successful append is missing, then drops the database. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                new Checks(params, strategy)
                        .artifact(database.dataSource(), artifact, writers.stream().map(w -> w.tally).toList(), 1, true)
                        .finish();
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
            synchronized (shared.writers) {
                tally = new Tally(shared.writers.size());
                shared.writers.add(this);
            }
        }
    }

    /**
     * Overwrites the writer's file in the preloaded artifact.
     *
     * @return the {@code AppendResult}, or the exception of a failed append (counted)
     */
    @Benchmark
    public Object append(Shared shared, Writer writer) {
        long seq = writer.tally.next();
        try {
            Object result = shared.store.append(shared.artifact, Change.put(Workload.file(writer.tally.writer, seq)),
                    AppendOptions.defaults().withIdempotencyKey("w" + writer.tally.writer + "-" + seq));
            writer.tally.succeeded(seq);
            return result;
        } catch (GaplessException e) {
            writer.tally.failed();
            return e;
        }
    }
}
