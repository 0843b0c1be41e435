package dev.gapless.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.strategy.WriteStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI smoke test: runs every benchmark once, in this JVM, for one tiny iteration, and checks only that each produced
 * a result and that the lost-file check passed (no successful append missing; no failed append for a non-baseline
 * strategy); the seed scenario runs with one JMH thread (its four writers are the executor's). Nothing timed is asserted.
 */
class BenchmarksSmokeTest {

    private static final Set<String> BASELINE_STRATEGIES = Set.copyOf(WriteStrategy.lossyBaselineNames());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path checks;

    @BeforeAll
    static void recordChecks() throws IOException {
        Path dir = Path.of(System.getenv().getOrDefault("GAPLESS_TEST_WORKDIR", "target"));
        Files.createDirectories(dir);
        checks = dir.resolve("smoke-checks.jsonl");
        Files.deleteIfExists(checks);
        System.setProperty(Checks.FILE_PROPERTY, checks.toString());
        // JMH takes a machine-wide lock file; another build's benchmark run must not fail this one
        System.setProperty("jmh.ignoreLock", "true");
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (String strategy : Strategies.all()) {
            cells.add(Arguments.of("AppendBenchmark.hotArtifact", "strategy", strategy));
            cells.add(Arguments.of("AppendBenchmark.artifactPerWriter", "strategy", strategy));
            cells.add(Arguments.of("SeedScenarioBenchmark.fourParallelAddCodeFile", "strategy", strategy));
        }
        for (String baseline : List.of("rawInsert", "ceiling", "threeRoundTrips", "failsafeRetry")) {
            cells.add(Arguments.of("BaselineBenchmark." + baseline, null, null));
        }
        for (String strategy : List.of("row-lock", "server-function", "group-commit")) {
            cells.add(Arguments.of("SnapshotSizeBenchmark.append", "strategy", strategy));
        }
        cells.add(Arguments.of("BatchLimitBenchmark.batch", "k", "8"));
        return cells.stream();
    }

    static Stream<Arguments> reads() {
        return Stream.of("head", "oneFile", "oldVersion").map(m -> Arguments.of("ReadBenchmark." + m));
    }

    /** Reads write nothing during the measurement: only that each ran. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void readsRunOnce(String benchmark) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("dev\\.gapless\\.benchmarks\\." + benchmark.replace(".", "\\.") + "$")
                .forks(0).warmupIterations(0).measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(150)).threads(1)
                .param("versions", "300").param("files", "20")
                .shouldFailOnError(true).build()).run();
        assertThat(results).as("results of %s", benchmark).hasSize(1);
        assertThat(results.iterator().next().getPrimaryResult().getSampleCount()).isPositive();
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @MethodSource("cells")
    void runsOnceWithoutLosingFiles(String benchmark, String param, String value) throws RunnerException, IOException {
        long before = lines().size();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.gapless\\.benchmarks\\." + benchmark.replace(".", "\\.") + "$")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(150))
                .timeUnit(TimeUnit.MILLISECONDS)
                .threads(benchmark.startsWith("SeedScenario") ? 1 : 2)
                .shouldFailOnError(true);
        if (param != null) {
            options.param(param, value);
        }
        if (benchmark.startsWith("SnapshotSize")) {
            options.param("files", "100");
        }
        JsonNode check = runOnce(options, benchmark, before);
        assertThat(check.path("missing").asLong()).as("missing files: %s", check).isZero();
        assertThat(check.path("ok").asLong()).as("successful appends: %s", check).isPositive();
        if (value == null || !BASELINE_STRATEGIES.contains(value)) {
            assertThat(check.path("failed").asLong()).as("failed appends: %s", check).isZero();
        }
    }

    static Stream<Arguments> chatCells() {
        List<Arguments> cells = new ArrayList<>();
        for (String design : List.of(ChatLoad.SHARED, ChatLoad.PER_CHAT)) {
            cells.add(Arguments.of("ManyChatsBenchmark.fourCallsOfOneChat", design));
            cells.add(Arguments.of("BurstFairnessBenchmark.burst", design));
        }
        return cells.stream();
    }

    /** The many-chat benchmarks, with a few threads: every chat keeps every file its calls were told was added. */
    @ParameterizedTest(name = "{0} design={1}")
    @MethodSource("chatCells")
    void manyChatBenchmarksRunOnceWithoutLosingFiles(String benchmark, String design)
            throws RunnerException, IOException {
        long before = lines().size();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.gapless\\.benchmarks\\." + benchmark.replace(".", "\\.") + "$")
                .forks(0).warmupIterations(0).measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300)).timeUnit(TimeUnit.MILLISECONDS)
                .param("design", design)
                .shouldFailOnError(true);
        if (benchmark.startsWith("ManyChats")) {
            options.threads(3).param("chats", "10");
        } else {
            options.threadGroups(1, 3);
        }
        JsonNode check = runOnce(options, benchmark, before);
        assertThat(check.path("failed").asLong()).as("failed calls: %s", check).isZero();
        assertThat(check.path("ok").asLong()).as("successful calls: %s", check).isPositive();
    }

    /**
     * Runs the cell, checks that it measured something and recorded exactly one lost-file check without
     * violations, and returns that check.
     */
    private static JsonNode runOnce(ChainedOptionsBuilder options, String benchmark, long before)
            throws RunnerException, IOException {
        Collection<RunResult> results = new Runner(options.build()).run();

        assertThat(results).as("results of %s", benchmark).hasSize(1);
        assertThat(results.iterator().next().getPrimaryResult().getSampleCount()).isPositive();
        List<JsonNode> recorded = lines().subList((int) before, lines().size());
        assertThat(recorded).as("lost-file checks recorded").hasSize(1);
        JsonNode check = recorded.get(0);
        assertThat(check.path("violations").size()).as("violations: %s", check).isZero();
        return check;
    }

    private static List<JsonNode> lines() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (Files.exists(checks)) {
            for (String line : Files.readAllLines(checks)) {
                if (!line.isBlank()) {
                    nodes.add(JSON.readTree(line));
                }
            }
        }
        return nodes;
    }
}
