package dev.gapless.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.benchmarks.StorageFootprint;
import dev.gapless.benchmarks.Strategies;
import dev.gapless.testkit.PostgresServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The short profile: every benchmark over a reduced grid, with short iterations (1 × 0.5 s warmup, none at 64
 * writers, 2 × 0.75 s measurement, one fork each), about a quarter of an hour on 2 cores:
 * <ul>
 *   <li>every strategy at 1, 4, 16 and 64 writers on a hot artifact; the baselines ({@code ceiling},
 *       {@code threeRoundTrips}, {@code rawInsert}, {@code failsafeRetry}) at 1 and 16 writers; the batch limit at
 *       16 writers for k = 8 and 16;</li>
 *   <li>every strategy at 16 writers with one artifact per writer; the seed scenario per strategy;</li>
 *   <li>artifact size: 1, 100, 1,000 and 10,000 files for {@code row-lock}, {@code server-function} and
 *       {@code group-commit}, with JMH's gc profiler for the bytes allocated per append;</li>
 *   <li>reads of a 10,000-version artifact; the storage footprint beside 0.1's layout; the ceiling and the batch
 *       limit through {@code pgbench} when it is on the PATH.</li>
 * </ul>
 * It starts one embedded PostgreSQL (or uses {@code GAPLESS_JDBC_URL}) and hands it to every forked JVM, writes
 * {@code jmh-result.json}, {@code checks.jsonl} (the lost-file checks), {@code pgbench.json},
 * {@code footprint.json} and {@code machine.json} to the output directory, then renders the report with
 * {@link ReportRenderer}.
 *
 * <p>Run from the repository root: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.gapless.benchmarks.report.ShortProfile [outputDir [docsDir]]} (defaults {@code benchmarks/target} and
 * {@code docs}).
 */
public final class ShortProfile {

    private static final String PACKAGE = "dev\\.gapless\\.benchmarks\\.";
    private static final int[] WRITERS = {1, 4, 16, 64};
    /** Rounds of the cells the targets read. */
    private static final int TARGET_ROUNDS = 3;

    private ShortProfile() {
    }

    /**
     * Runs the profile and renders the report.
     *
     * @param args optional output directory and docs directory
     * @throws Exception if a benchmark fails (a lost-file check included) or a file cannot be written
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/target");
        Path docs = Path.of(args.length > 1 ? args[1] : "docs");
        Files.createDirectories(out);
        Path checks = out.resolve("checks.jsonl").toAbsolutePath();
        Files.deleteIfExists(checks);
        long started = System.nanoTime();
        Instant startedAt = Instant.now();

        List<String> jvmArgs = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", "-Dgapless.bench.checks=" + checks));
        PostgresServer server = PostgresServer.shared();
        String env = System.getenv(PostgresServer.ENV_JDBC_URL);
        if (env == null || env.isBlank()) {
            // one embedded server for every fork, instead of an initdb per fork
            jvmArgs.add("-Dgapless.bench.jdbc-url=" + server.jdbcUrl("postgres"));
            jvmArgs.add("-Dgapless.bench.jdbc-user=" + server.user());
            jvmArgs.add("-Dgapless.bench.jdbc-password=" + server.password());
        }
        String[] strategies = Strategies.all().toArray(String[]::new);

        List<RunResult> results = new ArrayList<>();
        for (int writers : WRITERS) {
            // the cells the targets read (1 and 16 writers) run in interleaved rounds: on a shared machine the load
            // drifts within minutes, and the report takes each cell's median round
            int rounds = writers == 1 || writers == 16 ? TARGET_ROUNDS : 1;
            for (int round = 0; round < rounds; round++) {
                results.addAll(run(hotCell(jvmArgs, writers, strategies)));
            }
        }
        results.addAll(run(options(jvmArgs, 16)
                .include(PACKAGE + "AppendBenchmark\\.artifactPerWriter$")
                .param("strategy", strategies)));
        for (int round = 0; round < TARGET_ROUNDS; round++) {
            results.addAll(run(options(jvmArgs, 1)
                    .include(PACKAGE + "SnapshotSizeBenchmark\\.")
                    .param("files", "1", "100", "1000", "10000")
                    .param("strategy", "row-lock", "server-function", "group-commit")
                    .addProfiler(GCProfiler.class)));
        }
        results.addAll(run(options(jvmArgs, 1)
                .include(PACKAGE + "ReadBenchmark\\.")));
        results.addAll(run(options(jvmArgs, 1)
                .include(PACKAGE + "SeedScenarioBenchmark\\.")
                .param("strategy", strategies)));
        PgBench.run(server, 16, 10, new int[] {8, 16}, out.resolve("pgbench.json"));
        writeFootprint(out.resolve("footprint.json"));

        Path json = out.resolve("jmh-result.json");
        try (PrintStream ps = new PrintStream(Files.newOutputStream(json), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(results);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        Path machine = out.resolve("machine.json");
        writeMachine(machine, server, startedAt, wall);
        ReportRenderer.render(json, checks, machine, docs);
        System.out.printf("Short profile: %d results in %d min %d s; report in %s%n", results.size(),
                wall.toMinutes(), wall.toSecondsPart(), docs.resolve("benchmarks.md"));
    }

    /** The storage footprint of 1,000 files and 1,000 one-file edits, in this JVM on the same server. */
    private static void writeFootprint(Path file) throws Exception {
        StorageFootprint.Result r = StorageFootprint.measure(1000, 1000, 0);
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("files", r.files());
        node.put("edits", r.edits());
        node.put("contentBytes", r.contentBytes());
        node.put("currentBytes", r.currentBytes());
        node.put("v1Bytes", r.v1Bytes());
        r.currentTables().forEach(t -> node.withArray("currentTables").addObject().put("table", t.table())
                .put("rows", t.rows()).put("heapBytes", t.heapBytes()).put("toastBytes", t.toastBytes())
                .put("indexBytes", t.indexBytes()));
        Files.writeString(file, node.toString(), StandardCharsets.UTF_8);
    }

    /** The hot-artifact cells of one number of writers, with the baselines and the batch limit the targets read. */
    private static ChainedOptionsBuilder hotCell(List<String> jvmArgs, int writers, String[] strategies) {
        ChainedOptionsBuilder cell = options(jvmArgs, writers)
                .include(PACKAGE + "AppendBenchmark\\.hotArtifact$")
                .param("strategy", strategies);
        if (writers == 1 || writers == 16) {
            // the baselines where the targets read them: 1 writer (the floor), 16 (the ceilings)
            cell.include(PACKAGE + "BaselineBenchmark\\.");
        }
        if (writers == 16) {
            cell.include(PACKAGE + "BatchLimitBenchmark\\.").param("k", "8", "16");
        }
        if (writers == 64) {
            // at 64 writers a retrying strategy's append takes seconds; JMH waits for every thread at the end of
            // each iteration, so a warmup iteration costs what a measured one does
            cell.warmupIterations(0);
        }
        return cell;
    }

    private static ChainedOptionsBuilder options(List<String> jvmArgs, int writers) {
        return new OptionsBuilder()
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(2)
                .measurementTime(TimeValue.milliseconds(750))
                .timeUnit(TimeUnit.MILLISECONDS)
                .threads(writers)
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .shouldFailOnError(true);
    }

    private static List<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new ArrayList<>(new Runner(options.build()).run());
    }

    private static void writeMachine(Path file, PostgresServer server, Instant startedAt, Duration wall)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("cpu", cpuModel());
        node.put("cores", Runtime.getRuntime().availableProcessors());
        node.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        node.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        node.put("memoryGiB", Math.round(totalMemoryBytes() / (1024.0 * 1024 * 1024) * 10) / 10.0);
        // no data directory or port: they differ on every run and say nothing about the machine
        node.put("postgres", server.describe().replaceAll("\\s*\\([^)]*\\)", "").replaceAll(" on port \\d+", "")
                .trim());
        node.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        node.put("startedAt", startedAt.toString());
        node.put("wallSeconds", wall.toSeconds());
        node.put("profile", "short: 1 x 0.5 s warmup (none at 64 writers), 2 x 0.75 s measurement, 1 fork per cell");
        mapper.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static long totalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}
