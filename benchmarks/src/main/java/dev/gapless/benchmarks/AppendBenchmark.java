package dev.gapless.benchmarks;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.GaplessException;
import dev.gapless.core.strategy.WriteStrategy;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Append latency of every write strategy, with N writers (JMH threads, {@code -t N}) appending to
 * <ul>
 *   <li>{@link #hotArtifact} — one artifact shared by all writers: every append conflicts with the others;</li>
 *   <li>{@link #artifactPerWriter} — one artifact per writer: no conflicts, only the database's own limits.</li>
 * </ul>
 * Each append overwrites the writer's own file ({@link Workload}) with a fresh idempotency key, so the hot artifact's
 * snapshot stays at one file per writer. Sample mode gives p50/p99/p99.9; throughput is writers / mean latency
 * (a closed loop: every writer is always inside an append). Compare with {@link BaselineBenchmark} run at the same
 * {@code -t}. After the trial, {@link Checks} verifies that no successful append is missing.
 *
 * <p>Rerun one cell: {@code java -jar benchmarks/target/benchmarks.jar 'AppendBenchmark.hotArtifact'
 * -p strategy=row-lock -t 16}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(16)
public class AppendBenchmark {

    /** The store under test, its database and the hot artifact; one per trial. */
    @State(Scope.Benchmark)
    public static class Shared {

        /** The write strategy, or lossy baseline, by name ({@link Strategies#named}). */
        @Param({"naive", "seed-retry", "retry", "optimistic", "row-lock", "advisory-lock", "serializable",
                "server-function", "group-commit"})
        public String strategy;

        BenchDatabase database;
        ArtifactStore store;
        UUID hot;
        final AtomicLong batches = new AtomicLong();
        final AtomicLong batchMembers = new AtomicLong();
        final List<Writer> writers = new CopyOnWriteArrayList<>();
        private BenchmarkParams params;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            this.params = params;
            database = BenchDatabase.create("append", params.getThreads());
            store = ArtifactStore.builder(database.dataSource()).strategy(Strategies.named(strategy))
                    .listener(new AppendListener() {
                        @Override
                        public void onBatch(AppendEvent.BatchFormed event) {
                            batches.incrementAndGet();
                            batchMembers.addAndGet(event.batchSize());
                        }
                    }).build();
            hot = store.getOrCreate("bench-hot", "code", "hot artifact").id();
        }

        /** Verifies that no successful append is missing, then drops the database. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                Checks checks = new Checks(params, strategy).batches(batches.get(), batchMembers.get());
                if (params.getBenchmark().endsWith(".hotArtifact")) {
                    checks.artifact(database.dataSource(), hot, writers.stream().map(w -> w.tally).toList(), 0, true);
                } else {
                    for (Writer w : writers) {
                        checks.artifact(database.dataSource(), w.own, List.of(w.tally), 0, true);
                    }
                }
                checks.finish();
            } finally {
                database.close();
            }
        }
    }

    /** One writer (JMH thread): its own file, sequence number and artifact. */
    @State(Scope.Thread)
    public static class Writer {

        Tally tally;
        UUID own;

        @Setup(Level.Trial)
        public void setUp(Shared shared) {
            synchronized (shared.writers) {
                tally = new Tally(shared.writers.size());
                shared.writers.add(this);
            }
            own = shared.store.getOrCreate("bench-writer-" + tally.writer, "code", "own artifact").id();
        }

        Object append(ArtifactStore store, UUID artifact) {
            long seq = tally.next();
            try {
                Object result = store.append(artifact, Change.put(Workload.file(tally.writer, seq)),
                        AppendOptions.defaults().withIdempotencyKey("w" + tally.writer + "-" + seq));
                tally.succeeded(seq);
                return result;
            } catch (GaplessException e) {
                tally.failed();
                return e;
            }
        }
    }

    /**
     * All writers append to one artifact.
     *
     * @return the {@code AppendResult}, or the exception of a failed append (counted, see {@link Checks})
     */
    @Benchmark
    public Object hotArtifact(Shared shared, Writer writer) {
        return writer.append(shared.store, shared.hot);
    }

    /**
     * Each writer appends to its own artifact.
     *
     * @return the {@code AppendResult}, or the exception of a failed append (counted, see {@link Checks})
     */
    @Benchmark
    public Object artifactPerWriter(Shared shared, Writer writer) {
        return writer.append(shared.store, writer.own);
    }
}
