package dev.gapless.cli.race;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one race run produced.
 *
 * @param strategy     the strategy's name
 * @param files        files announced (one append each)
 * @param created      announced files present in the final snapshot
 * @param versions     the head version after the run
 * @param retries      retries of successful appends, plus those of appends whose retries ran out
 * @param failures     the appends that threw, one exception each
 * @param latencyNanos each call's own latency, successful or not
 * @param wallNanos    from the release of the writers to the end of the last one
 */
public record RaceRun(String strategy, int files, int created, int versions, int retries,
                      List<RuntimeException> failures, long[] latencyNanos, long wallNanos) {

    /** Copies the lists and arrays. */
    public RaceRun {
        failures = List.copyOf(failures);
        latencyNanos = latencyNanos.clone();
    }

    /** @return files announced but missing from the final snapshot */
    public int lost() {
        return files - created;
    }

    /** @return a copy of the per-call latencies, in nanoseconds */
    @Override
    public long[] latencyNanos() {
        return latencyNanos.clone();
    }

    /**
     * Counts the failures by exception type.
     *
     * @return simple class name to count, sorted by name
     */
    public Map<String, Integer> failuresByType() {
        Map<String, Integer> counts = new TreeMap<>();
        failures.forEach(f -> counts.merge(f.getClass().getSimpleName(), 1, Integer::sum));
        return counts;
    }
}
