package dev.gapless.benchmarks;

import dev.gapless.core.AppendResult;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.MergeConflictException;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.text.JGitTextMerger;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * Whole-file writes of a 1,000-line file with a 5-line change (row-lock, JGit's merger): {@link #plainPut} as
 * before issue 20 (no base), {@link #currentBasePut} with a base that is the head (must cost about the same), and
 * {@link #mergedPut} with a base one version old, the head having moved by another 5-line change 700 lines away (set up
 * outside the measurement). {@link #sixteenWritersOneFile}: 16 threads rewrite the file from the view they last
 * read, each changing its own function; the tear-down prints how many writes merged, conflicted and retried.
 *
 * <p>Rerun: {@code java -jar benchmarks/target/benchmarks.jar MergeBenchmark}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MergeBenchmark {

    static final int LINES = 1_000;

    /** Line {@code k} (1-based) of the file, changed by writer {@code w} in round {@code round}, or original. */
    static String file(int[] changedFrom, int[] rounds) {
        StringBuilder out = new StringBuilder(LINES * 40);
        for (int k = 1; k <= LINES; k++) {
            String line = "    int value_" + k + " = compute(" + k + ");";
            for (int w = 0; w < changedFrom.length; w++) {
                if (rounds[w] > 0 && k >= changedFrom[w] && k < changedFrom[w] + 5) {
                    line = "    int value_" + k + " = compute(" + k + ") + " + rounds[w] + "; // writer " + w;
                }
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** {@code text} with the statements of lines {@code from..from+4} ending in {@code tail}: a 5-line change. */
    static String line(String text, int from, String tail) {
        for (int k = from; k < from + 5; k++) {
            text = text.replaceFirst("compute\\(" + k + "\\)[^;]*;", "compute(" + k + ") " + tail + ";");
        }
        return text;
    }

    /** One artifact with the 1,000-line file, written by one thread. */
    @State(Scope.Thread)
    public static class Single {
        BenchDatabase database;
        ArtifactStore store;
        UUID artifact;
        int round;
        int base;
        int head;
        /** This invocation's write from the head's view, and from the base's (the head moved past it). */
        String fromHead;
        String fromBase;

        @Setup(Level.Trial)
        public void setUp() {
            database = BenchDatabase.create("merge", 2);
            store = ArtifactStore.builder(database.dataSource()).strategy(WriteStrategy.rowLock())
                    .merger(new JGitTextMerger()).build();
            artifact = store.getOrCreate("bench-merge-" + UUID.randomUUID(), "code", "merge").id();
            store.append(artifact, Change.put(CodeFile.of("main.c", file(new int[0], new int[0]))));
        }

        /**
         * Outside the measurement: another writer changes lines 800-804 after the view {@link #mergedPut} is based
         * on, and both writes are computed, so that each benchmark measures the append alone.
         */
        @Setup(Level.Invocation)
        public void moveTheHead() {
            round++;
            base = store.find(artifact).orElseThrow().headVersion();
            String seen = store.file(artifact, "main.c").orElseThrow().file().content();
            store.append(artifact, Change.put(CodeFile.of("main.c", line(seen, 800, "- " + round))));
            head = store.find(artifact).orElseThrow().headVersion();
            fromHead = line(store.file(artifact, "main.c").orElseThrow().file().content(), 100, "* " + round);
            fromBase = line(seen, 100, "* " + round);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            database.close();
        }
    }

    @Benchmark
    public AppendResult plainPut(Single s) {
        return s.store.append(s.artifact, Change.put(CodeFile.of("main.c", s.fromHead)));
    }

    @Benchmark
    public AppendResult currentBasePut(Single s) {
        return s.store.append(s.artifact, Change.put(CodeFile.of("main.c", s.fromHead), s.head));
    }

    @Benchmark
    public AppendResult mergedPut(Single s) {
        return s.store.append(s.artifact, Change.put(CodeFile.of("main.c", s.fromBase), s.base));
    }

    /** One artifact shared by 16 writers, and the tally of what their writes did. */
    @State(Scope.Benchmark)
    public static class Shared {
        BenchDatabase database;
        ArtifactStore store;
        UUID artifact;
        final AtomicInteger writers = new AtomicInteger();
        final AtomicLong merged = new AtomicLong();
        final AtomicLong conflicted = new AtomicLong();
        final AtomicLong retried = new AtomicLong();
        final AtomicLong plain = new AtomicLong();

        @Setup(Level.Trial)
        public void setUp() {
            database = BenchDatabase.create("merge16", 17);
            store = ArtifactStore.builder(database.dataSource()).strategy(WriteStrategy.rowLock())
                    .merger(new JGitTextMerger()).build();
            artifact = store.getOrCreate("bench-merge16-" + UUID.randomUUID(), "code", "merge").id();
            store.append(artifact, Change.put(CodeFile.of("main.c", file(new int[0], new int[0]))));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long total = merged.get() + conflicted.get() + plain.get();
            System.out.printf("%n[merge16] writes %d: merged %d (%.1f %%), conflicted %d (%.1f %%), written as they"
                    + " were %d, retried %d%n", total, merged.get(), 100.0 * merged.get() / total, conflicted.get(),
                    100.0 * conflicted.get() / total, plain.get(), retried.get());
            database.close();
        }
    }

    /** One of the 16 writers: its own function (5 lines), the view it last read. */
    @State(Scope.Thread)
    public static class Writer {
        int index;
        int round;

        @Setup(Level.Trial)
        public void setUp(Shared shared) {
            index = shared.writers.getAndIncrement();
        }
    }

    @Benchmark
    @Threads(16)
    public void sixteenWritersOneFile(Shared shared, Writer w) {
        var seen = shared.store.file(shared.artifact, "main.c").orElseThrow();
        w.round++;
        int from = 10 + w.index * 60;
        String text = seen.file().content();
        for (int k = from; k < from + 5; k++) {
            text = text.replaceFirst("compute\\(" + k + "\\)[^;]*;", "compute(" + k + ") + " + w.round + ";");
        }
        try {
            AppendResult r = shared.store.append(shared.artifact, Change.put(CodeFile.of("main.c", text),
                    seen.version()));
            (r.merged() ? shared.merged : shared.plain).incrementAndGet();
            shared.retried.addAndGet(r.retries());
        } catch (MergeConflictException e) {
            shared.conflicted.incrementAndGet();
        }
    }
}
