package dev.gapless.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportRendererTest {

    @TempDir
    Path dir;

    private static String cell(String benchmark, int threads, String params, double meanMs, double p99) {
        return """
                {"jmhVersion":"1.37","benchmark":"dev.gapless.benchmarks.%s","mode":"sample","threads":%d,"forks":1,
                 %s
                 "primaryMetric":{"score":%s,"scoreError":0.1,"scoreUnit":"ms/op",
                   "scorePercentiles":{"0.0":0.5,"50.0":%s,"90.0":%s,"99.0":%s,"99.9":%s,"100.0":%s},
                   "rawDataHistogram":[[[[%s,10],[%s,5]]]]},
                 "secondaryMetrics":{}}
                """.formatted(benchmark, threads, params.isEmpty() ? "" : "\"params\":{" + params + "},", meanMs,
                meanMs, p99, p99, p99, p99, meanMs, p99);
    }

    @Test
    void rendersTablesTargetsChartsAndKeepsNotes() throws IOException {
        String json = "[" + String.join(",",
                cell("AppendBenchmark.hotArtifact", 1, "\"strategy\":\"row-lock\"", 1.2, 2.0),
                cell("AppendBenchmark.hotArtifact", 16, "\"strategy\":\"row-lock\"", 16.0, 30.0),
                cell("AppendBenchmark.hotArtifact", 16, "\"strategy\":\"group-commit\"", 4.0, 8.0),
                cell("AppendBenchmark.hotArtifact", 16, "\"strategy\":\"naive\"", 2.0, 5.0),
                cell("BaselineBenchmark.rawInsert", 1, "", 1.0, 1.5),
                cell("BaselineBenchmark.ceiling", 16, "", 12.0, 20.0),
                cell("BatchLimitBenchmark.batch", 16, "\"k\":\"8\"", 16.0, 30.0),
                cell("SeedScenarioBenchmark.fourParallelAddCodeFile", 1, "\"strategy\":\"seed-retry\"", 300.0, 700.0),
                cell("SeedScenarioBenchmark.fourParallelAddCodeFile", 1, "\"strategy\":\"group-commit\"", 5.0, 9.0),
                cell("SnapshotSizeBenchmark.append", 1, "\"files\":\"1000\",\"strategy\":\"row-lock\"", 9.0, 12.0))
                + "]";
        Path result = Files.writeString(dir.resolve("jmh-result.json"), json);
        Path checks = Files.writeString(dir.resolve("checks.jsonl"), """
                {"benchmark":"AppendBenchmark.hotArtifact","subject":"naive","threads":16,"params":{"strategy":"naive"},"ok":90,"failed":10,"missing":0,"versions":90,"violations":[]}
                {"benchmark":"AppendBenchmark.hotArtifact","subject":"row-lock","threads":16,"params":{"strategy":"row-lock"},"ok":1000,"failed":0,"missing":0,"versions":1000,"violations":[]}
                """);
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("benchmarks.md"), "old\n" + ReportRenderer.NOTES_BEGIN
                + "\nHand-written analysis.\n" + ReportRenderer.NOTES_END + "\n");

        ReportRenderer.render(result, checks, dir.resolve("absent-machine.json"), docs);

        String md = Files.readString(docs.resolve("benchmarks.md"));
        // 16 writers: group-commit 4000/s, ceiling 1333/s -> 3.00x; row-lock 1000/s -> 0.75x; batch k=8 8000/s
        assertThat(md).contains("| `group-commit` vs the ceiling | 4,000 vs 1,333 versions/s | 3.00× | ≥ 3.0× | **met** |");
        assertThat(md).contains("| `row-lock` vs the ceiling | 1,000 vs 1,333 versions/s | 0.75× | ≥ 0.8× |"
                + " **missed** (6% short) |");
        assertThat(md).contains("vs the batch limit at k=8 | 4,000 vs 8,000 versions/s | 0.50× | ≥ 0.4× | **met** |");
        assertThat(md).contains("best strategy (`row-lock`) vs the raw INSERT floor (mean latency) | 1.20 vs 1.00 ms"
                + " | 1.20×");
        assertThat(md).contains("vs `seed-retry` (mean wall) | 5.00 vs 300 ms | 60.00× | ≥ 20.0× | **met** |");
        assertThat(md).contains("| lost files, every non-baseline strategy, every cell | 0 of 1000 appends");
        assertThat(md).contains("| `naive` | 16 | 8,000 |");
        assertThat(md).contains("| `row-lock` | 1000 | 9.00 |");
        assertThat(md).contains("Hand-written analysis.").doesNotContain("old\n");
        assertThat(md).contains("Absolute numbers vary by machine");
        String svg = Files.readString(docs.resolve("benchmarks-throughput.svg"));
        assertThat(svg).startsWith("<svg").contains("<polyline").contains("group-commit").contains("ceiling")
                .endsWith("</svg>\n");
        assertThat(Files.readString(docs.resolve("benchmarks-latency.svg"))).contains("<polyline");
    }

    @Test
    void bytesAllocatedPerAppendComeFromTheGcProfilersNormalisedRate() throws IOException {
        String json = "[" + cell("SnapshotSizeBenchmark.append", 1, "\"files\":\"1\",\"strategy\":\"row-lock\"", 2.0,
                5.0).replace("\"secondaryMetrics\":{}", "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":35127.4}}")
                + "," + cell("SnapshotSizeBenchmark.append", 1, "\"files\":\"10000\",\"strategy\":\"row-lock\"", 2.2,
                5.0) + "]";
        Path result = Files.writeString(dir.resolve("jmh-result.json"), json);
        Path checks = Files.writeString(dir.resolve("checks.jsonl"), "");
        Files.writeString(dir.resolve("footprint.json"), """
                {"files":10,"edits":10,"contentBytes":1000,"currentBytes":3000,"v1Bytes":9000,"currentTables":[
                 {"table":"artifact_contents","rows":20,"heapBytes":1000,"toastBytes":0,"indexBytes":500},
                 {"table":"artifact_versions","rows":11,"heapBytes":1200,"toastBytes":100,"indexBytes":200}]}
                """);
        Path docs = Files.createDirectories(dir.resolve("docs"));

        ReportRenderer.render(result, checks, dir.resolve("absent-machine.json"), docs);

        String md = Files.readString(docs.resolve("benchmarks.md"));
        assertThat(md).contains("| `row-lock` | 1 | 2.00 | 1.00 | 2.00 | 5.00 | 35,127 |");
        assertThat(md).contains("| current: contents once, changes per version | 3,000 | 3.00 |")
                .contains("| `artifact_contents` | 20 | 1,000 | 0 | 500 | 1.50 |")
                .contains("| `artifact_versions` | 11 | 1,200 | 100 | 200 | 1.50 |");
        // a run without the profiler says so rather than showing a number
        assertThat(md).contains("| `row-lock` | 10000 | 2.20 | 1.10 | 2.20 | 5.00 | — |");
    }

    @Test
    void reportsAMissedTargetWithItsShortfall() throws IOException {
        String json = "[" + String.join(",",
                cell("AppendBenchmark.hotArtifact", 16, "\"strategy\":\"group-commit\"", 8.0, 9.0),
                cell("BaselineBenchmark.ceiling", 16, "", 16.0, 20.0)) + "]";
        Path result = Files.writeString(dir.resolve("r.json"), json);
        Path docs = dir.resolve("out");

        ReportRenderer.render(result, dir.resolve("none.jsonl"), dir.resolve("none.json"), docs);

        assertThat(Files.readString(docs.resolve("benchmarks.md")))
                .contains("| 2.00× | ≥ 3.0× | **missed** (33% short) |")
                .contains(ReportRenderer.NOTES_BEGIN);
    }

    @Test
    void aCellMeasuredInSeveralRoundsIsItsMedianRound() throws IOException {
        String json = "[" + String.join(",",
                cell("BaselineBenchmark.ceiling", 16, "", 10.0, 20.0),
                cell("AppendBenchmark.hotArtifact", 16, "\"strategy\":\"group-commit\"", 2.0, 9.0),
                cell("BaselineBenchmark.ceiling", 16, "", 40.0, 60.0),
                cell("AppendBenchmark.hotArtifact", 16, "\"strategy\":\"group-commit\"", 9.0, 9.0),
                cell("BaselineBenchmark.ceiling", 16, "", 16.0, 30.0),
                cell("AppendBenchmark.hotArtifact", 16, "\"strategy\":\"group-commit\"", 4.0, 9.0)) + "]";
        Path result = Files.writeString(dir.resolve("rounds.json"), json);
        Path docs = dir.resolve("rounds");

        ReportRenderer.render(result, dir.resolve("none.jsonl"), dir.resolve("none.json"), docs);

        // medians: ceiling 16 ms (1,000/s), group-commit 4 ms (4,000/s)
        assertThat(Files.readString(docs.resolve("benchmarks.md")))
                .contains("| `group-commit` vs the ceiling | 4,000 vs 1,000 versions/s | 4.00× | ≥ 3.0× | **met** |");
    }
}
