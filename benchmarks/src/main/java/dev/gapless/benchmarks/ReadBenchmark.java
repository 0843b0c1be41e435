package dev.gapless.benchmarks;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Version;
import dev.gapless.core.VersionedFile;
import dev.gapless.core.strategy.WriteStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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

/**
 * Reads of a long history: an artifact of {@code files} files with {@code versions} versions, each a one-file edit.
 * {@link #head} reads the latest snapshot (from the materialized head), {@link #oneFile} one file of it, and
 * {@link #oldVersion} a random older version (rebuilt from the newest manifest at or before it plus the changes
 * after it). The old version is the one to watch: it must cost about what the head costs, not what the history
 * holds.
 *
 * <p>Rerun: {@code java -jar benchmarks/target/benchmarks.jar ReadBenchmark}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class ReadBenchmark {

    /** The database and the long-history artifact, written once per trial. */
    @State(Scope.Benchmark)
    public static class History {

        /** Versions written before the run. */
        @Param({"10000"})
        public int versions;

        /** Files in the artifact. */
        @Param({"100"})
        public int files;

        BenchDatabase database;
        ArtifactStore store;
        UUID artifact;

        @Setup(Level.Trial)
        public void setUp() {
            database = BenchDatabase.create("reads", 1);
            store = ArtifactStore.builder(database.dataSource()).strategy(WriteStrategy.serverFunction()).build();
            artifact = store.getOrCreate("bench-reads", "code", versions + " versions").id();
            List<Change> preload = new ArrayList<>(files);
            for (int n = 0; n < files; n++) {
                preload.add(Change.put(Workload.filler(n)));
            }
            store.append(artifact, Change.batch(preload));
            for (int v = 2; v <= versions; v++) {
                CodeFile edited = Workload.filler(v % files);
                store.append(artifact, Change.put(new CodeFile(edited.filename(), edited.language(),
                        edited.content() + "// edit " + v + "\n", "edit " + v)));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            database.close();
        }
    }

    /**
     * The latest version, every file with its content.
     *
     * @return the version
     */
    @Benchmark
    public Version head(History h) {
        return h.store.latest(h.artifact).orElseThrow();
    }

    /**
     * One file of the latest version.
     *
     * @return the file
     */
    @Benchmark
    public VersionedFile oneFile(History h) {
        return h.store.file(h.artifact, Workload.filler(ThreadLocalRandom.current().nextInt(h.files)).filename())
                .orElseThrow();
    }

    /**
     * A random older version, every file with its content.
     *
     * @return the version
     */
    @Benchmark
    public Version oldVersion(History h) {
        return h.store.version(h.artifact, 1 + ThreadLocalRandom.current().nextInt(h.versions - 1)).orElseThrow();
    }
}
