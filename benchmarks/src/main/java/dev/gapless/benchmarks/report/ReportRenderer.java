package dev.gapless.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.strategy.WriteStrategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns a JMH JSON result (sample mode), the lost-file checks and the machine description into
 * {@code benchmarks.md} and two hand-written SVG charts ({@code benchmarks-throughput.svg},
 * {@code benchmarks-latency.svg}). Text between {@code <!-- notes:begin -->} and {@code <!-- notes:end -->} in an
 * existing {@code benchmarks.md} is kept, so the hand-written analysis survives a re-render.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.report.ReportRenderer
 * benchmarks/target/jmh-result.json benchmarks/target/checks.jsonl benchmarks/target/machine.json docs}.
 */
public final class ReportRenderer {

    static final String NOTES_BEGIN = "<!-- notes:begin -->";
    static final String NOTES_END = "<!-- notes:end -->";

    private static final String PREFIX = "dev.gapless.benchmarks.";
    private static final Set<String> BASELINE_STRATEGIES = Set.copyOf(WriteStrategy.lossyBaselineNames());
    private static final List<String> SINGLE_VERSION = List.of("retry", "optimistic", "row-lock", "advisory-lock",
            "serializable", "server-function");
    private static final int TARGET_WRITERS = 16;
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#000000"};

    private ReportRenderer() {
    }

    /** One JMH result cell. */
    record Cell(String benchmark, String subject, int threads, Map<String, String> params, double meanMs,
                double errorMs, Map<String, Double> percentilesMs, long samples, Map<String, Double> secondary) {

        /** Appends (or, for the batch limit, versions) per second: writers ÷ mean latency, times k for a batch. */
        double throughput() {
            return threads * 1000.0 / meanMs * Integer.parseInt(params.getOrDefault("k", "1"));
        }

        /** Bytes allocated per operation, when the run used JMH's gc profiler. */
        double allocatedBytes() {
            // JMH 1.37 names it "gc.alloc.rate.norm"; older versions put a middle dot in front
            return secondary.getOrDefault("gc.alloc.rate.norm",
                    secondary.getOrDefault("\u00b7gc.alloc.rate.norm", Double.NaN));
        }

        double p(String percentile) {
            return percentilesMs.getOrDefault(percentile, Double.NaN);
        }
    }

    /** The lost-file checks of one cell, summed. */
    record Check(long ok, long failed, long missing, int violations, long batches, long batchMembers) {
        Check plus(Check o) {
            return new Check(ok + o.ok, failed + o.failed, missing + o.missing, violations + o.violations,
                    batches + o.batches, batchMembers + o.batchMembers);
        }

        /** The mean size of the group-commit batches formed, or NaN. */
        double meanBatch() {
            return batches == 0 ? Double.NaN : (double) batchMembers / batches;
        }
    }

    /**
     * Command line: {@code jmh-result.json checks.jsonl machine.json docsDir}.
     *
     * @param args the four paths (checks and machine may be missing files)
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: ReportRenderer jmh-result.json checks.jsonl machine.json docsDir");
            System.exit(2);
        }
        render(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
    }

    /**
     * Renders the report.
     *
     * @param jmhJson the JMH JSON result
     * @param checks  the lost-file checks, one JSON object per line; may not exist
     * @param machine the machine description; may not exist
     * @param docs    where {@code benchmarks.md} and the SVGs go
     * @throws IOException if a file cannot be read or written
     */
    public static void render(Path jmhJson, Path checks, Path machine, Path docs) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Cell> cells = parseCells(mapper.readTree(jmhJson.toFile()));
        Map<String, Check> checkMap = parseChecks(mapper, checks);
        JsonNode machineNode = Files.exists(machine) ? mapper.readTree(machine.toFile()) : mapper.createObjectNode();
        // beside the JMH result, when the profile wrote them: pgbench's figures and the storage footprint
        Path pgbench = jmhJson.resolveSibling("pgbench.json");
        Path footprint = jmhJson.resolveSibling("footprint.json");
        ObjectNode extras = mapper.createObjectNode();
        extras.set("pgbench", Files.exists(pgbench) ? mapper.readTree(pgbench.toFile()) : mapper.createObjectNode());
        extras.set("footprint", Files.exists(footprint) ? mapper.readTree(footprint.toFile())
                : mapper.createObjectNode());
        Files.createDirectories(docs);
        Path md = docs.resolve("benchmarks.md");
        String notes = Files.exists(md) ? existingNotes(Files.readString(md)) : defaultNotes();
        Files.writeString(docs.resolve("benchmarks-throughput.svg"),
                chart(cells, "Hot artifact: throughput against writers", "appends/s (log scale)", Cell::throughput),
                StandardCharsets.UTF_8);
        Files.writeString(docs.resolve("benchmarks-latency.svg"),
                chart(cells, "Hot artifact: p99 latency against writers", "p99 ms (log scale)", c -> c.p("99.0")),
                StandardCharsets.UTF_8);
        Files.writeString(md, markdown(cells, checkMap, machineNode, extras, notes), StandardCharsets.UTF_8);
    }

    /**
     * The cells of a JMH result; a cell measured in several rounds (the short profile interleaves the cells the
     * targets read) becomes one, with the median of each figure across rounds and the samples summed.
     */
    static List<Cell> parseCells(JsonNode root) {
        Map<String, List<Cell>> rounds = new LinkedHashMap<>();
        for (Cell c : parseRounds(root)) {
            rounds.computeIfAbsent(key(c.benchmark, c.threads, c.params), k -> new ArrayList<>()).add(c);
        }
        List<Cell> cells = new ArrayList<>();
        for (List<Cell> same : rounds.values()) {
            Cell first = same.get(0);
            if (same.size() == 1) {
                cells.add(first);
                continue;
            }
            Map<String, Double> percentiles = new LinkedHashMap<>();
            first.percentilesMs.keySet().forEach(p -> percentiles.put(p, median(same, c -> c.p(p))));
            Map<String, Double> secondary = new LinkedHashMap<>();
            first.secondary.keySet().forEach(m -> secondary.put(m, median(same,
                    c -> c.secondary.getOrDefault(m, Double.NaN))));
            cells.add(new Cell(first.benchmark, first.subject, first.threads, first.params,
                    median(same, Cell::meanMs), median(same, Cell::errorMs), percentiles,
                    same.stream().mapToLong(Cell::samples).sum(), secondary));
        }
        return cells;
    }

    private static double median(List<Cell> cells, java.util.function.ToDoubleFunction<Cell> f) {
        double[] v = cells.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static List<Cell> parseRounds(JsonNode root) {
        List<Cell> cells = new ArrayList<>();
        for (JsonNode n : root) {
            String full = n.path("benchmark").asText();
            String benchmark = full.startsWith(PREFIX) ? full.substring(PREFIX.length()) : full;
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            String subject = params.getOrDefault("strategy", benchmark.substring(benchmark.indexOf('.') + 1));
            JsonNode metric = n.path("primaryMetric");
            double factor = toMillis(metric.path("scoreUnit").asText("ms/op"));
            Map<String, Double> percentiles = new LinkedHashMap<>();
            metric.path("scorePercentiles").fields()
                    .forEachRemaining(e -> percentiles.put(e.getKey(), e.getValue().asDouble() * factor));
            long samples = 0;
            for (JsonNode fork : metric.path("rawDataHistogram")) {
                for (JsonNode iteration : fork) {
                    for (JsonNode bucket : iteration) {
                        samples += bucket.path(1).asLong();
                    }
                }
            }
            double error = metric.path("scoreError").asDouble(Double.NaN);
            Map<String, Double> secondary = new LinkedHashMap<>();
            n.path("secondaryMetrics").fields()
                    .forEachRemaining(e -> secondary.put(e.getKey(), e.getValue().path("score").asDouble()));
            cells.add(new Cell(benchmark, subject, n.path("threads").asInt(1), params,
                    metric.path("score").asDouble() * factor, Double.isNaN(error) ? Double.NaN : error * factor,
                    percentiles, samples, secondary));
        }
        return cells;
    }

    private static double toMillis(String unit) {
        return switch (unit) {
            case "s/op" -> 1000.0;
            case "us/op" -> 0.001;
            case "ns/op" -> 0.000001;
            default -> 1.0;
        };
    }

    static Map<String, Check> parseChecks(ObjectMapper mapper, Path checks) throws IOException {
        Map<String, Check> map = new LinkedHashMap<>();
        if (!Files.exists(checks)) {
            return map;
        }
        for (String line : Files.readAllLines(checks, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = mapper.readTree(line);
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            String key = key(n.path("benchmark").asText(), n.path("threads").asInt(), params);
            Check check = new Check(n.path("ok").asLong(), n.path("failed").asLong(), n.path("missing").asLong(),
                    n.path("violations").size(), n.path("batches").asLong(), n.path("batchMembers").asLong());
            map.merge(key, check, Check::plus);
        }
        return map;
    }

    private static String key(String benchmark, int threads, Map<String, String> params) {
        return benchmark + "|" + threads + "|" + new java.util.TreeMap<>(params);
    }

    private static Optional<Check> checkOf(Map<String, Check> checks, Cell cell) {
        return Optional.ofNullable(checks.get(key(cell.benchmark, cell.threads, cell.params)));
    }

    // ---------------------------------------------------------------------------------------------- markdown

    static String markdown(List<Cell> cells, Map<String, Check> checks, JsonNode machine, JsonNode extras,
                           String notes) {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks\n\n");
        b.append("<!-- Generated by dev.gapless.benchmarks.report.ReportRenderer from the JMH JSON of one run; edit"
                + " only between the notes markers, the rest is rewritten. -->\n\n");
        b.append("Every figure below comes from **one run** of the short profile, so ratios between strategies and"
                + " baselines are measured under the same conditions. **Absolute numbers vary by machine** (above all"
                + " with the cost of `fsync` on commit: the server runs with `synchronous_commit=on`); compare ratios,"
                + " and rerun on your own hardware.\n\n");
        machineSection(b, machine);
        runningSection(b);
        targetsSection(b, cells, checks, extras);
        b.append("## Hot artifact: throughput and latency against writers\n\n");
        b.append("![throughput against writers](benchmarks-throughput.svg)\n\n");
        b.append("![p99 latency against writers](benchmarks-latency.svg)\n\n");
        b.append("Throughput is writers ÷ mean latency (every writer is always inside an append: a closed loop),"
                + " counting every call; for the baselines `naive` and `seed-retry` the *failed* column says how many"
                + " of those calls lost their file. ×ceiling is the ratio to the single-statement ceiling"
                + " (`BaselineBenchmark.ceiling`) at the same number of writers.\n\n");
        cellTable(b, cells, checks, c -> c.benchmark.equals("AppendBenchmark.hotArtifact"), "strategy", true);
        b.append("## One artifact per writer (no conflicts)\n\n");
        cellTable(b, cells, checks, c -> c.benchmark.equals("AppendBenchmark.artifactPerWriter"), "strategy",
                false);
        b.append("## Baselines (plain JDBC, hot artifact)\n\n");
        b.append("`ceiling`: one autocommitted `WITH h AS (UPDATE artifacts … RETURNING head_version) INSERT …` per"
                + " version. `threeRoundTrips`: the same work as UPDATE, INSERT and COMMIT, the lock held across all"
                + " three. `batch` (the batch limit): k versions per such statement, counted in versions/s."
                + " `rawInsert`: one autocommitted INSERT into a plain table, no versioning (the floor).\n\n");
        cellTable(b, cells, checks, c -> c.benchmark.startsWith("BaselineBenchmark.")
                || c.benchmark.startsWith("BatchLimitBenchmark."), "baseline", true);
        pgbenchSection(b, cells, extras.path("pgbench"));
        b.append("## Artifact size: one writer, files already in the artifact\n\n");
        b.append("An append reads and writes only the rows of the files it names; ×1 file is its mean latency over"
                + " the same strategy's at one file. Bytes allocated per append come from JMH's gc profiler.\n\n");
        snapshotTable(b, cells, checks);
        b.append("## Reads of a long history\n\n");
        readsTable(b, cells);
        footprintSection(b, extras.path("footprint"));
        b.append("## The seed scenario: four parallel `add_code_file` calls through the executor\n\n");
        b.append("Wall time of `ToolExecutor.execute` for the four calls of the original bug report (main.cpp,"
                + " config.h, platformio.ini, README.md) on a fresh chat. *Failed calls* are files the agent lost.\n\n");
        seedTable(b, cells, checks);
        b.append("## Lost-file checks\n\n");
        lostSection(b, cells, checks);
        b.append("## Notes\n\n").append(NOTES_BEGIN).append('\n').append(notes.strip()).append('\n')
                .append(NOTES_END).append('\n');
        return b.toString();
    }

    private static void machineSection(StringBuilder b, JsonNode m) {
        b.append("## Machine\n\n");
        if (m.isEmpty()) {
            b.append("Not recorded.\n\n");
            return;
        }
        b.append("| | |\n|---|---|\n");
        row(b, "CPU", m.path("cpu").asText() + ", " + m.path("cores").asInt() + " cores available");
        row(b, "memory", m.path("memoryGiB").asText() + " GiB");
        row(b, "OS", m.path("os").asText());
        row(b, "JVM", m.path("java").asText());
        row(b, "database", m.path("postgres").asText() + ", `synchronous_commit=on`");
        row(b, "profile", m.path("profile").asText());
        row(b, "started", m.path("startedAt").asText() + ", load average " + String.format(Locale.ROOT, "%.2f",
                m.path("loadAverageAtStart").asDouble()));
        row(b, "wall time", m.path("wallSeconds").asLong() / 60 + " min " + m.path("wallSeconds").asLong() % 60
                + " s");
        b.append('\n');
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static void runningSection(StringBuilder b) {
        b.append("""
                ## Running

                The short profile (every strategy at 1, 4, 16 and 64 writers on a hot artifact, with the baselines
                at 1 and 16 writers and the batch limit at 16; every strategy at 16 writers with one artifact per
                writer; artifact sizes of 1 to 10,000 files with the gc profiler; reads of a 10,000-version
                history; the seed scenario per strategy; the storage footprint; pgbench when installed: 1 × 0.5 s
                warmup (none at 64 writers) and 2 × 0.75 s measurement, one fork each; about a quarter of an hour on
                two cores), from the repository root:

                ```bash
                ./mvnw -B -q install -DskipTests
                java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.report.ShortProfile
                ```

                It starts one embedded PostgreSQL 17 (`synchronous_commit=on`) for all forks, or uses the server
                named by `GAPLESS_JDBC_URL` (with `GAPLESS_JDBC_USER` / `GAPLESS_JDBC_PASSWORD`), and writes
                `benchmarks/target/jmh-result.json` (JMH JSON), `benchmarks/target/checks.jsonl` (the lost-file
                checks), `pgbench.json`, `footprint.json` and `machine.json`, then renders this page and its
                charts. To re-render
                from those files only:
                `java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.report.ReportRenderer
                benchmarks/target/jmh-result.json benchmarks/target/checks.jsonl benchmarks/target/machine.json docs`.

                Any single cell runs with standard JMH options (`-h` lists them); writers are JMH threads (`-t N`),
                parameters are `-p name=value`, and the class defaults are 2 × 1 s warmup, 3 × 2 s measurement, one
                fork, sample mode in ms:

                ```bash
                java -jar benchmarks/target/benchmarks.jar 'AppendBenchmark.hotArtifact' -p strategy=row-lock -t 16
                java -jar benchmarks/target/benchmarks.jar 'AppendBenchmark.artifactPerWriter' -p strategy=group-commit -t 4
                java -jar benchmarks/target/benchmarks.jar 'BaselineBenchmark' -t 16
                java -jar benchmarks/target/benchmarks.jar SnapshotSizeBenchmark -p files=10000 -p strategy=server-function -prof gc
                java -jar benchmarks/target/benchmarks.jar 'BatchLimitBenchmark' -p k=16 -t 16
                java -jar benchmarks/target/benchmarks.jar ReadBenchmark
                java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.StorageFootprint 1000 1000
                java -jar benchmarks/target/benchmarks.jar SeedScenarioBenchmark -p strategy=seed-retry -rf json
                GAPLESS_JDBC_URL=jdbc:postgresql://db:5432/postgres java -jar benchmarks/target/benchmarks.jar Append -t 64
                ```

                | benchmark | what one operation is | parameters (default) |
                |---|---|---|
                | `AppendBenchmark.hotArtifact` | one append by one of N writers, all to one artifact | `strategy` (all nine), `-t` (16) |
                | `AppendBenchmark.artifactPerWriter` | one append, each writer to its own artifact | `strategy`, `-t` (16) |
                | `BaselineBenchmark.rawInsert` | the floor: one autocommitted single-row INSERT of the same file JSON | `-t` (16) |
                | `BaselineBenchmark.ceiling` | the ceiling: one autocommitted `WITH h AS (UPDATE … RETURNING) INSERT …` | `-t` (16) |
                | `BaselineBenchmark.threeRoundTrips` | the ceiling's work as UPDATE, INSERT, COMMIT, the lock held across them | `-t` (16) |
                | `BatchLimitBenchmark.batch` | the batch limit: k versions in one such statement | `k` (8, 16), `-t` (16) |
                | `BaselineBenchmark.failsafeRetry` | read-insert retried on 23505 by a Failsafe `RetryPolicy` (2–100 ms jittered backoff, 50 retries, 10 s) | `-t` (16) |
                | `SnapshotSizeBenchmark.append` | one append overwriting one file of an artifact of `files` files | `files` (1, 100, 1000, 10000), `strategy` (row-lock, server-function, group-commit), `-t` (1) |
                | `ReadBenchmark.head`, `.oneFile`, `.oldVersion` | one read of an artifact of `versions` one-file edits | `versions` (10000), `files` (100), `-t` (1) |
                | `SeedScenarioBenchmark.fourParallelAddCodeFile` | four parallel `add_code_file` calls through `ToolExecutor` | `strategy` (all nine), `-t` (1) |

                Each writer overwrites its own file with a fresh idempotency key, so a hot artifact's snapshot
                holds one file per writer however long the run. After every trial the benchmark reads the database
                back with its own SQL: versions must be exactly `1..head`, one per successful append, and every
                writer's last successful file must be in the head snapshot; otherwise the trial fails with
                `IllegalStateException: LOST FILES: …`. Failed appends (the caller was told) are counted. In CI,
                `BenchmarksSmokeTest` runs every benchmark once in-process for one 150 ms iteration and asserts
                only that each produced a result and passed its check.

                """);
    }

    private static Optional<Cell> find(List<Cell> cells, String benchmark, String subject, int threads) {
        return cells.stream().filter(c -> c.benchmark.equals(benchmark) && c.subject.equals(subject)
                && c.threads == threads).findFirst();
    }

    private static void targetsSection(StringBuilder b, List<Cell> cells, Map<String, Check> checks,
                                       JsonNode extras) {
        String hot = "AppendBenchmark.hotArtifact";
        b.append("## Targets (one run)\n\n");
        b.append("### Throughput at the database's limit (").append(TARGET_WRITERS)
                .append(" writers, one hot artifact)\n\n");
        b.append("| target | measured | ratio | wanted | result |\n|---|---|---|---|---|\n");
        Optional<Cell> ceiling = find(cells, "BaselineBenchmark.ceiling", "ceiling", TARGET_WRITERS);
        Optional<Cell> group = find(cells, hot, "group-commit", TARGET_WRITERS);
        if (ceiling.isPresent()) {
            cells.stream().filter(c -> c.benchmark.equals(hot) && c.threads == TARGET_WRITERS
                            && SINGLE_VERSION.contains(c.subject))
                    .max(Comparator.comparingDouble(Cell::throughput))
                    .ifPresent(best -> ratioRow(b, "best single-version strategy (`" + best.subject
                                    + "`) vs the single-statement ceiling",
                            fmt(best.throughput()) + " vs " + fmt(ceiling.get().throughput()) + " versions/s",
                            best.throughput() / ceiling.get().throughput(), 0.8, true));
            find(cells, hot, "row-lock", TARGET_WRITERS).ifPresent(r -> ratioRow(b, "`row-lock` vs the ceiling",
                    fmt(r.throughput()) + " vs " + fmt(ceiling.get().throughput()) + " versions/s",
                    r.throughput() / ceiling.get().throughput(), 0.8, true));
        }
        if (ceiling.isPresent() && group.isPresent()) {
            ratioRow(b, "`group-commit` vs the ceiling",
                    fmt(group.get().throughput()) + " vs " + fmt(ceiling.get().throughput()) + " versions/s",
                    group.get().throughput() / ceiling.get().throughput(), 3.0, true);
        }
        if (group.isPresent()) {
            double meanBatch = checkOf(checks, group.get()).map(Check::meanBatch).orElse(Double.NaN);
            // the batch limit at the k nearest to the batches group-commit formed
            cells.stream().filter(c -> c.benchmark.startsWith("BatchLimitBenchmark.") && c.threads == TARGET_WRITERS)
                    .min(Comparator.comparingDouble(c -> Double.isNaN(meanBatch) ? -Integer.parseInt(c.params.get("k"))
                            : Math.abs(Integer.parseInt(c.params.get("k")) - meanBatch)))
                    .ifPresent(limit -> ratioRow(b, "`group-commit` (mean batch " + fmt(meanBatch) + ") vs the batch"
                                    + " limit at k=" + limit.params.get("k"),
                            fmt(group.get().throughput()) + " vs " + fmt(limit.throughput()) + " versions/s",
                            group.get().throughput() / limit.throughput(), 0.4, true));
        }
        find(cells, hot, "group-commit", 64).ifPresent(g -> {
            ratioRow(b, "64 writers: `group-commit` p99 latency", fmtMs(g.p("99.0")) + " ms", g.p("99.0") / 100.0,
                    1.0, false);
            long failed = checkOf(checks, g).map(Check::failed).orElse(-1L);
            b.append("| 64 writers: `group-commit` failed appends | ").append(failed < 0 ? "—" : failed)
                    .append(" | — | 0 | ").append(failed == 0 ? "**met**" : "**missed**").append(" |\n");
        });
        Optional<Cell> floor = find(cells, "BaselineBenchmark.rawInsert", "rawInsert", 1);
        if (floor.isPresent()) {
            cells.stream().filter(c -> c.benchmark.equals(hot) && c.threads == 1
                            && !BASELINE_STRATEGIES.contains(c.subject))
                    .min(Comparator.comparingDouble(Cell::meanMs))
                    .ifPresent(best -> ratioRow(b, "one uncontended writer, best strategy (`" + best.subject
                                    + "`) vs the raw INSERT floor (mean latency)",
                            fmtMs(best.meanMs) + " vs " + fmtMs(floor.get().meanMs) + " ms",
                            best.meanMs / floor.get().meanMs, 1.3, false));
        }
        long lost = 0;
        long appends = 0;
        Set<String> losers = new TreeSet<>();
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            String strategy = strategyOfKey(e.getKey());
            if (strategy == null || BASELINE_STRATEGIES.contains(strategy)) {
                continue;
            }
            long l = e.getValue().failed + e.getValue().missing;
            lost += l;
            appends += e.getValue().ok + e.getValue().failed;
            if (l > 0) {
                losers.add(strategy);
            }
        }
        b.append("| lost files, every non-baseline strategy, every cell | ").append(lost).append(" of ")
                .append(appends).append(" appends").append(losers.isEmpty() ? "" : " (" + String.join(", ", losers)
                        + ")").append(" | — | 0 | ").append(lost == 0 ? "**met**" : "**missed**").append(" |\n");
        String seed = "SeedScenarioBenchmark.fourParallelAddCodeFile";
        Optional<Cell> seedRetry = find(cells, seed, "seed-retry", 1);
        Optional<Cell> bestSeed = cells.stream().filter(c -> c.benchmark.equals(seed)
                && !BASELINE_STRATEGIES.contains(c.subject)).min(Comparator.comparingDouble(Cell::meanMs));
        if (seedRetry.isPresent() && bestSeed.isPresent()) {
            ratioRow(b, "seed scenario, best strategy (`" + bestSeed.get().subject + "`) vs `seed-retry` (mean wall)",
                    fmtMs(bestSeed.get().meanMs) + " vs " + fmtMs(seedRetry.get().meanMs) + " ms",
                    seedRetry.get().meanMs / bestSeed.get().meanMs, 20.0, true);
        }
        b.append("\n### An append costs its change\n\n");
        b.append("| target | measured | ratio | wanted | result |\n|---|---|---|---|---|\n");
        for (String strategy : List.of("row-lock", "server-function", "group-commit")) {
            Optional<Cell> one = snapshotCell(cells, strategy, 1);
            Optional<Cell> many = snapshotCell(cells, strategy, 10_000);
            if (one.isPresent() && many.isPresent()) {
                ratioRow(b, "`" + strategy + "`: append at 10,000 files vs at 1 file (mean latency)",
                        fmtMs(many.get().meanMs) + " vs " + fmtMs(one.get().meanMs) + " ms",
                        many.get().meanMs / one.get().meanMs, 1.5, false);
            }
        }
        Optional<Cell> head = cells.stream().filter(c -> c.benchmark.equals("ReadBenchmark.head")).findFirst();
        Optional<Cell> old = cells.stream().filter(c -> c.benchmark.equals("ReadBenchmark.oldVersion")).findFirst();
        if (head.isPresent() && old.isPresent()) {
            ratioRow(b, "reads of a " + head.get().params.getOrDefault("versions", "?") + "-version artifact: an old"
                            + " version vs the head (mean latency)",
                    fmtMs(old.get().meanMs) + " vs " + fmtMs(head.get().meanMs) + " ms",
                    old.get().meanMs / head.get().meanMs, 10.0, false);
        }
        JsonNode footprint = extras.path("footprint");
        if (footprint.has("currentBytes")) {
            double contents = footprint.path("contentBytes").asDouble();
            ratioRow(b, footprint.path("files").asInt() + " files, then " + footprint.path("edits").asInt()
                            + " one-file edits: table + index bytes vs contents written (0.1: "
                            + fmt(footprint.path("v1Bytes").asDouble() / contents) + "×)",
                    String.format(Locale.ROOT, "%,d vs %,d bytes", footprint.path("currentBytes").asLong(),
                            footprint.path("contentBytes").asLong()),
                    footprint.path("currentBytes").asDouble() / contents, 2.0, false);
        }
        b.append("\nWhere a target is missed, the notes at the end say by how much, why, and what would close it.\n\n");
    }

    private static Optional<Cell> snapshotCell(List<Cell> cells, String strategy, int files) {
        return cells.stream().filter(c -> c.benchmark.startsWith("SnapshotSizeBenchmark.")
                && c.subject.equals(strategy) && c.params.getOrDefault("files", "").equals(Integer.toString(files)))
                .findFirst();
    }

    private static void pgbenchSection(StringBuilder b, List<Cell> cells, JsonNode pgbench) {
        b.append("### The same statements through pgbench\n\n");
        if (pgbench.isEmpty()) {
            b.append("Not run in this run.\n\n");
            return;
        }
        if (pgbench.has("skipped")) {
            b.append("Skipped: ").append(pgbench.path("skipped").asText()).append(".\n\n");
            return;
        }
        int clients = pgbench.path("clients").asInt();
        b.append("`").append(pgbench.path("version").asText()).append("`, ").append(clients).append(" clients, ")
                .append(pgbench.path("seconds").asInt()).append(" s each, `-M prepared`, against the same server,"
                        + " beside the JMH figure of the same statement at the same number of writers:\n\n");
        b.append("| statement | pgbench versions/s | JMH versions/s | JMH ÷ pgbench |\n|---|--:|--:|--:|\n");
        for (JsonNode run : pgbench.path("runs")) {
            int k = run.path("k").asInt();
            double pg = run.path("versionsPerSecond").asDouble();
            Optional<Cell> jmh = k == 1 ? find(cells, "BaselineBenchmark.ceiling", "ceiling", clients)
                    : cells.stream().filter(c -> c.benchmark.startsWith("BatchLimitBenchmark.") && c.threads == clients
                            && c.params.getOrDefault("k", "").equals(Integer.toString(k))).findFirst();
            b.append("| ").append(run.path("name").asText()).append(" | ").append(fmt(pg)).append(" | ")
                    .append(jmh.map(c -> fmt(c.throughput())).orElse("—")).append(" | ")
                    .append(jmh.map(c -> String.format(Locale.ROOT, "%.2f", c.throughput() / pg)).orElse("—"))
                    .append(" |\n");
        }
        b.append('\n');
    }

    private static void readsTable(StringBuilder b, List<Cell> cells) {
        List<Cell> rows = cells.stream().filter(c -> c.benchmark.startsWith("ReadBenchmark.")).toList();
        if (rows.isEmpty()) {
            b.append("Not measured in this run.\n\n");
            return;
        }
        b.append("An artifact of `files` files with `versions` versions, each a one-file edit: the latest snapshot,"
                + " one file of it, and a random older version (rebuilt from the newest manifest before it plus the"
                + " changes after it).\n\n");
        b.append("| read | files | versions | mean ms | p50 ms | p99 ms |\n|---|--:|--:|--:|--:|--:|\n");
        for (Cell c : rows) {
            b.append("| `").append(c.benchmark.substring(c.benchmark.indexOf('.') + 1)).append("` | ")
                    .append(c.params.getOrDefault("files", "—")).append(" | ")
                    .append(c.params.getOrDefault("versions", "—")).append(" | ").append(fmtMs(c.meanMs)).append(" | ")
                    .append(fmtMs(c.p("50.0"))).append(" | ").append(fmtMs(c.p("99.0"))).append(" |\n");
        }
        b.append('\n');
    }

    private static void footprintSection(StringBuilder b, JsonNode footprint) {
        b.append("## Storage footprint\n\n");
        if (!footprint.has("currentBytes")) {
            b.append("Not measured in this run.\n\n");
            return;
        }
        double contents = footprint.path("contentBytes").asDouble();
        b.append(footprint.path("files").asInt()).append(" files, then ").append(footprint.path("edits").asInt())
                .append(" one-file edits, each a new content (")
                .append(String.format(Locale.ROOT, "%,d", footprint.path("contentBytes").asLong()))
                .append(" bytes of contents written in all), on the same server; table and index bytes of the"
                        + " Gapless tables after `VACUUM`:\n\n");
        b.append("| layout | bytes | × contents written |\n|---|--:|--:|\n");
        b.append("| current: contents once, changes per version | ")
                .append(String.format(Locale.ROOT, "%,d", footprint.path("currentBytes").asLong())).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", footprint.path("currentBytes").asDouble() / contents))
                .append(" |\n");
        b.append("| 0.1: a full snapshot per version | ")
                .append(String.format(Locale.ROOT, "%,d", footprint.path("v1Bytes").asLong())).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", footprint.path("v1Bytes").asDouble() / contents))
                .append(" |\n\n");
        JsonNode tables = footprint.path("currentTables");
        if (tables.isArray() && !tables.isEmpty()) {
            b.append("Where the current layout's bytes are:\n\n| table | rows | heap | TOAST | indexes |"
                    + " × contents written |\n|---|--:|--:|--:|--:|--:|\n");
            for (JsonNode t : tables) {
                long all = t.path("heapBytes").asLong() + t.path("toastBytes").asLong() + t.path("indexBytes").asLong();
                b.append(String.format(Locale.ROOT, "| `%s` | %,d | %,d | %,d | %,d | %.2f |%n",
                        t.path("table").asText(), t.path("rows").asLong(), t.path("heapBytes").asLong(),
                        t.path("toastBytes").asLong(), t.path("indexBytes").asLong(), all / contents));
            }
            b.append('\n');
        }
    }

    private static String strategyOfKey(String key) {
        int open = key.indexOf("strategy=");
        if (open < 0) {
            return null;
        }
        int end = key.indexOf(',', open);
        if (end < 0) {
            end = key.indexOf('}', open);
        }
        return key.substring(open + "strategy=".length(), end);
    }

    private static void ratioRow(StringBuilder b, String what, String measured, double ratio, double wanted,
                                 boolean atLeast) {
        boolean met = atLeast ? ratio >= wanted : ratio <= wanted;
        String result;
        if (met) {
            result = "**met**";
        } else if (atLeast) {
            result = String.format(Locale.ROOT, "**missed** (%.0f%% short)", (1 - ratio / wanted) * 100);
        } else {
            result = String.format(Locale.ROOT, "**missed** (%.0f%% over)", (ratio / wanted - 1) * 100);
        }
        b.append("| ").append(what).append(" | ").append(measured).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f×", ratio)).append(" | ")
                .append(atLeast ? "≥ " : "≤ ").append(String.format(Locale.ROOT, "%.1f×", wanted)).append(" | ")
                .append(result).append(" |\n");
    }

    /**
     * One row per cell of the benchmarks {@code selected} picks, grouped by subject (strategy or baseline), with
     * the ratio to the one-commit-per-version ceiling at the same number of writers when {@code withCeiling}.
     */
    private static void cellTable(StringBuilder b, List<Cell> cells, Map<String, Check> checks,
                                  java.util.function.Predicate<Cell> selected, String firstColumn,
                                  boolean withCeiling) {
        List<Cell> rows = cells.stream().filter(selected).toList();
        if (rows.isEmpty()) {
            b.append("Not measured in this run.\n\n");
            return;
        }
        b.append("| ").append(firstColumn).append(" | writers | appends/s | ×ceiling | mean ms | p50 ms | p99 ms |"
                + " p99.9 ms | ok | failed | missing |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (String subject : subjects(rows)) {
            for (Cell c : rows.stream().filter(c -> c.subject.equals(subject))
                    .sorted(Comparator.comparingInt(Cell::threads)).toList()) {
                String ratio = !withCeiling ? "—"
                        : find(cells, "BaselineBenchmark.ceiling", "ceiling", c.threads)
                                .map(ceil -> String.format(Locale.ROOT, "%.2f", c.throughput() / ceil.throughput()))
                                .orElse("—");
                cellRow(b, "`" + subject + "`", c, ratio, checkOf(checks, c));
            }
        }
        b.append('\n');
    }

    private static void cellRow(StringBuilder b, String name, Cell c, String ratio, Optional<Check> check) {
        b.append("| ").append(name).append(" | ").append(c.threads).append(" | ").append(fmt(c.throughput()))
                .append(" | ").append(ratio).append(" | ").append(fmtMs(c.meanMs)).append(" | ")
                .append(fmtMs(c.p("50.0"))).append(" | ").append(fmtMs(c.p("99.0"))).append(" | ")
                .append(fmtMs(c.p("99.9"))).append(" | ")
                .append(check.map(k -> Long.toString(k.ok)).orElse("—")).append(" | ")
                .append(check.map(k -> Long.toString(k.failed)).orElse("—")).append(" | ")
                .append(check.map(k -> k.missing + (k.violations > 0 ? " ⚠" : "")).orElse("—")).append(" |\n");
    }

    private static void snapshotTable(StringBuilder b, List<Cell> cells, Map<String, Check> checks) {
        List<Cell> rows = cells.stream().filter(c -> c.benchmark.startsWith("SnapshotSizeBenchmark."))
                .sorted(Comparator.comparing((Cell c) -> c.params.getOrDefault("strategy", ""))
                        .thenComparingInt(c -> Integer.parseInt(c.params.getOrDefault("files", "0"))))
                .toList();
        if (rows.isEmpty()) {
            b.append("Not measured in this run.\n\n");
            return;
        }
        b.append("| strategy | files | mean ms | ×1 file | p50 ms | p99 ms | bytes allocated per append | ok | failed |"
                + " missing |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Cell c : rows) {
            Optional<Check> k = checkOf(checks, c);
            String ratio = snapshotCell(cells, c.subject, 1)
                    .map(one -> String.format(Locale.ROOT, "%.2f", c.meanMs / one.meanMs)).orElse("—");
            double alloc = c.allocatedBytes();
            b.append("| `").append(c.subject).append("` | ").append(c.params.get("files")).append(" | ")
                    .append(fmtMs(c.meanMs)).append(" | ").append(ratio).append(" | ").append(fmtMs(c.p("50.0")))
                    .append(" | ").append(fmtMs(c.p("99.0"))).append(" | ")
                    .append(Double.isNaN(alloc) ? "—" : String.format(Locale.ROOT, "%,.0f", alloc)).append(" | ")
                    .append(k.map(x -> Long.toString(x.ok)).orElse("—")).append(" | ")
                    .append(k.map(x -> Long.toString(x.failed)).orElse("—")).append(" | ")
                    .append(k.map(x -> Long.toString(x.missing)).orElse("—")).append(" |\n");
        }
        b.append('\n');
    }

    private static void seedTable(StringBuilder b, List<Cell> cells, Map<String, Check> checks) {
        List<Cell> rows = cells.stream().filter(c -> c.benchmark.startsWith("SeedScenarioBenchmark.")).toList();
        if (rows.isEmpty()) {
            b.append("Not measured in this run.\n\n");
            return;
        }
        Optional<Cell> seedRetry = rows.stream().filter(c -> c.subject.equals("seed-retry")).findFirst();
        b.append("| strategy | mean wall ms | p50 ms | p99 ms | max ms | `seed-retry` ÷ this | turns | calls ok |"
                + " failed calls (lost files) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Cell c : rows) {
            Optional<Check> k = checkOf(checks, c);
            b.append("| `").append(c.subject).append("` | ").append(fmtMs(c.meanMs)).append(" | ")
                    .append(fmtMs(c.p("50.0"))).append(" | ").append(fmtMs(c.p("99.0"))).append(" | ")
                    .append(fmtMs(c.p("100.0"))).append(" | ")
                    .append(seedRetry.map(s -> String.format(Locale.ROOT, "%.1f", s.meanMs / c.meanMs)).orElse("—"))
                    .append(" | ").append(c.samples).append(" | ")
                    .append(k.map(x -> Long.toString(x.ok)).orElse("—")).append(" | ")
                    .append(k.map(x -> Long.toString(x.failed + x.missing)).orElse("—")).append(" |\n");
        }
        b.append('\n');
    }

    private static void lostSection(StringBuilder b, List<Cell> cells, Map<String, Check> checks) {
        if (checks.isEmpty()) {
            b.append("No check records were found for this run.\n\n");
            return;
        }
        long missing = checks.values().stream().mapToLong(Check::missing).sum();
        long violations = checks.values().stream().mapToLong(Check::violations).sum();
        b.append(checks.size()).append(" trials were checked (warmup included). Successful appends missing"
                + " afterwards: **").append(missing).append("**; other violations: **").append(violations)
                .append("**. Failed appends by strategy (the caller was told; the file is lost to it):\n\n");
        Map<String, long[]> byStrategy = new LinkedHashMap<>();
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            String s = Optional.ofNullable(strategyOfKey(e.getKey())).orElse(e.getKey().substring(0,
                    e.getKey().indexOf('|')));
            long[] sums = byStrategy.computeIfAbsent(s, x -> new long[2]);
            sums[0] += e.getValue().ok + e.getValue().failed;
            sums[1] += e.getValue().failed;
        }
        b.append("| strategy or baseline | appends | failed | failed % |\n|---|--:|--:|--:|\n");
        byStrategy.forEach((s, v) -> b.append("| `").append(s).append("` | ").append(v[0]).append(" | ").append(v[1])
                .append(" | ").append(String.format(Locale.ROOT, "%.1f", v[0] == 0 ? 0.0 : 100.0 * v[1] / v[0]))
                .append(" |\n"));
        b.append('\n');
    }

    private static Set<String> subjects(List<Cell> rows) {
        return rows.stream().map(Cell::subject).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static String existingNotes(String markdown) {
        int begin = markdown.indexOf(NOTES_BEGIN);
        int end = markdown.indexOf(NOTES_END);
        if (begin < 0 || end < begin) {
            return defaultNotes();
        }
        return markdown.substring(begin + NOTES_BEGIN.length(), end);
    }

    private static String defaultNotes() {
        return "No notes yet: say here why a missed target was missed and what would close it.";
    }

    private static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "—";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmtMs(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    // ---------------------------------------------------------------------------------------------- SVG

    /** A log-scale line chart of the hot artifact: x = writers, one line per strategy, baselines dashed. */
    static String chart(List<Cell> cells, String title, String yLabel, java.util.function.ToDoubleFunction<Cell> y) {
        Predicate<Cell> hot = c -> c.benchmark.equals("AppendBenchmark.hotArtifact")
                || c.benchmark.equals("BaselineBenchmark.ceiling")
                || c.benchmark.equals("BaselineBenchmark.rawInsert")
                || c.benchmark.equals("BaselineBenchmark.failsafeRetry");
        List<Cell> rows = cells.stream().filter(hot).filter(c -> y.applyAsDouble(c) > 0).toList();
        List<Integer> xs = rows.stream().map(Cell::threads).distinct().sorted().toList();
        int width = 860;
        int height = 480;
        int left = 80;
        int right = 220;
        int top = 50;
        int bottom = 60;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"").append(width / 2).append("\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">")
                .append(escape(title)).append("</text>\n");
        if (rows.isEmpty() || xs.isEmpty()) {
            s.append("<text x=\"").append(width / 2).append("\" y=\"").append(height / 2)
                    .append("\" text-anchor=\"middle\">no data</text>\n</svg>\n");
            return s.toString();
        }
        double min = rows.stream().mapToDouble(y).min().orElse(1);
        double max = rows.stream().mapToDouble(y).max().orElse(10);
        int lo = (int) Math.floor(Math.log10(min));
        int hi = (int) Math.ceil(Math.log10(max));
        if (hi == lo) {
            hi++;
        }
        final int loF = lo;
        final int hiF = hi;
        java.util.function.DoubleUnaryOperator py = v -> top + plotH - (Math.log10(v) - loF) / (hiF - loF) * plotH;
        java.util.function.IntToDoubleFunction px = i -> left + (xs.size() == 1 ? plotW / 2.0
                : i * (double) plotW / (xs.size() - 1));
        s.append("<g stroke=\"#ddd\">\n");
        for (int d = lo; d <= hi; d++) {
            for (int m = 1; m <= 9; m++) {
                double v = m * Math.pow(10, d);
                if (d == hi && m > 1) {
                    break;
                }
                double yy = py.applyAsDouble(v);
                s.append("<line x1=\"").append(left).append("\" x2=\"").append(left + plotW).append("\" y1=\"")
                        .append(f(yy)).append("\" y2=\"").append(f(yy)).append("\"")
                        .append(m == 1 ? " stroke=\"#bbb\"" : "").append("/>\n");
            }
        }
        s.append("</g>\n");
        for (int d = lo; d <= hi; d++) {
            double yy = py.applyAsDouble(Math.pow(10, d));
            s.append("<text x=\"").append(left - 8).append("\" y=\"").append(f(yy + 4))
                    .append("\" text-anchor=\"end\">").append(axis(Math.pow(10, d))).append("</text>\n");
        }
        for (int i = 0; i < xs.size(); i++) {
            double xx = px.applyAsDouble(i);
            s.append("<line x1=\"").append(f(xx)).append("\" x2=\"").append(f(xx)).append("\" y1=\"").append(top)
                    .append("\" y2=\"").append(top + plotH).append("\" stroke=\"#eee\"/>\n");
            s.append("<text x=\"").append(f(xx)).append("\" y=\"").append(top + plotH + 18)
                    .append("\" text-anchor=\"middle\">").append(xs.get(i)).append("</text>\n");
        }
        s.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(plotW)
                .append("\" height=\"").append(plotH).append("\" fill=\"none\" stroke=\"#333\"/>\n");
        s.append("<text x=\"").append(left + plotW / 2).append("\" y=\"").append(height - 18)
                .append("\" text-anchor=\"middle\">writers (JMH threads)</text>\n");
        s.append("<text transform=\"translate(20,").append(top + plotH / 2).append(") rotate(-90)\"")
                .append(" text-anchor=\"middle\">").append(escape(yLabel)).append("</text>\n");
        int series = 0;
        for (String subject : subjects(rows)) {
            List<Cell> line = rows.stream().filter(c -> c.subject.equals(subject))
                    .sorted(Comparator.comparingInt(Cell::threads)).toList();
            String color = COLORS[series % COLORS.length];
            boolean baseline = line.get(0).benchmark.startsWith("BaselineBenchmark.")
                    || BASELINE_STRATEGIES.contains(subject);
            StringBuilder points = new StringBuilder();
            for (Cell c : line) {
                double xx = px.applyAsDouble(xs.indexOf(c.threads));
                double yy = py.applyAsDouble(y.applyAsDouble(c));
                points.append(f(xx)).append(',').append(f(yy)).append(' ');
                s.append("<circle cx=\"").append(f(xx)).append("\" cy=\"").append(f(yy)).append("\" r=\"3\" fill=\"")
                        .append(color).append("\"/>\n");
            }
            s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\"")
                    .append(baseline ? " stroke-dasharray=\"6,4\"" : "").append(" points=\"")
                    .append(points.toString().trim()).append("\"/>\n");
            int ly = top + 10 + series * 20;
            int lx = left + plotW + 16;
            s.append("<line x1=\"").append(lx).append("\" x2=\"").append(lx + 24).append("\" y1=\"").append(ly)
                    .append("\" y2=\"").append(ly).append("\" stroke=\"").append(color).append("\" stroke-width=\"2\"")
                    .append(baseline ? " stroke-dasharray=\"6,4\"" : "").append("/>\n");
            s.append("<text x=\"").append(lx + 30).append("\" y=\"").append(ly + 4).append("\">").append(escape(subject))
                    .append("</text>\n");
            series++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String axis(double v) {
        if (v >= 1) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%s", Double.toString(v).replaceAll("0+$", ""));
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
