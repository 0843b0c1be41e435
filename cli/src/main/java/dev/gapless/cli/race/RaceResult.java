package dev.gapless.cli.race;

import java.util.Arrays;
import java.util.List;

/**
 * One strategy's result at one race size, over one or more runs: the row of the race table and the JSON line.
 * Counts are totals over the runs; latency percentiles are over every call of every run; wall time is the median
 * run's. With one run (the default) every figure is that run's.
 *
 * @param strategy the strategy's name
 * @param files    files announced
 * @param created  announced files present in the final snapshots
 * @param lost     {@code files - created}
 * @param versions head versions after the runs
 * @param retries  retries (attempts beyond the first)
 * @param failures appends that threw
 * @param p50Ms    median call latency, milliseconds
 * @param p99Ms    99th-percentile call latency (nearest rank), milliseconds
 * @param wallMs   release of the writers to the end of the last one, milliseconds
 */
public record RaceResult(String strategy, int files, int created, int lost, int versions, int retries, int failures,
                         double p50Ms, double p99Ms, double wallMs) {

    /**
     * Summarizes the runs of one strategy at one size.
     *
     * @param runs at least one run
     * @return the summary
     * @throws IllegalArgumentException if {@code runs} is empty
     */
    public static RaceResult of(List<RaceRun> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        int files = 0;
        int created = 0;
        int versions = 0;
        int retries = 0;
        int failures = 0;
        long[] latencies = new long[0];
        long[] walls = new long[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            RaceRun run = runs.get(i);
            files += run.files();
            created += run.created();
            versions += run.versions();
            retries += run.retries();
            failures += run.failures().size();
            long[] more = run.latencyNanos();
            long[] merged = Arrays.copyOf(latencies, latencies.length + more.length);
            System.arraycopy(more, 0, merged, latencies.length, more.length);
            latencies = merged;
            walls[i] = run.wallNanos();
        }
        Arrays.sort(latencies);
        Arrays.sort(walls);
        return new RaceResult(runs.get(0).strategy(), files, created, files - created, versions, retries, failures,
                millis(percentile(latencies, 0.50)), millis(percentile(latencies, 0.99)),
                millis(walls[(walls.length - 1) / 2]));
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
