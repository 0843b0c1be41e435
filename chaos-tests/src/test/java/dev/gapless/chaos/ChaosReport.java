package dev.gapless.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figures per scenario, printed as a one-paragraph summary and collected into
 * {@code chaos-tests/target/chaos-report.json} (rewritten after every scenario of the JVM's run).
 */
final class ChaosReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();
    private static final Instant STARTED = Instant.now();

    private ChaosReport() {
    }

    /**
     * The figures of one scenario run.
     *
     * @param scenario            name
     * @param strategies          strategies the writers used
     * @param writers             concurrent writers (threads, over all processes)
     * @param seconds             length of the fault phase
     * @param appendsAttempted    logical appends (each with its own key)
     * @param acknowledged        logical appends finally acknowledged
     * @param rejected            logical appends finally rejected, by error class (expected: deletes of missing files)
     * @param calls               calls of {@code append}, first calls and retries
     * @param failedByClass       calls that failed with nothing written, by error class
     * @param unknownOutcome      calls whose outcome was unknown
     * @param unknownByClass      those by error class
     * @param resolvedAfterFaults appends still unresolved when the faults stopped, resolved by a retry then
     * @param deduplicated        calls answered from an earlier call's version (same key)
     * @param faults              faults injected, by kind
     * @param faultsInjected      total faults
     * @param violations          invariant violations (must be 0)
     * @param violationSamples    the first violations, as text
     * @param recoveryMillis      after a server restart: from the server accepting connections again to the first
     *                            acknowledged append, or {@code null}
     * @param extra               other scenario-specific figures
     */
    record Scenario(String scenario, List<String> strategies, int writers, double seconds, int appendsAttempted,
                    int acknowledged, Map<String, Integer> rejected, long calls, Map<String, Integer> failedByClass,
                    int unknownOutcome, Map<String, Integer> unknownByClass, int resolvedAfterFaults,
                    int deduplicated, Map<String, Integer> faults, int faultsInjected, int violations,
                    List<String> violationSamples, Long recoveryMillis, Map<String, Object> extra) {

        /** The summary line printed after the scenario. */
        String summary() {
            return String.format("[chaos] %-28s writers=%d %.1fs attempted=%d acked=%d rejected=%s calls=%d"
                            + " failedByClass=%s unknown=%d%s resolvedAfterFaults=%d dedup=%d faults=%d %s"
                            + " violations=%d%s%s",
                    scenario, writers, seconds, appendsAttempted, acknowledged, rejected, calls, failedByClass,
                    unknownOutcome, unknownByClass.isEmpty() ? "" : unknownByClass.toString(), resolvedAfterFaults,
                    deduplicated, faultsInjected, faults, violations,
                    recoveryMillis == null ? "" : " recoveryMs=" + recoveryMillis,
                    extra.isEmpty() ? "" : " " + extra);
        }
    }

    /** Builds a scenario's figures from the writers' records. */
    static Scenario figures(String scenario, Collection<String> strategies, int writers, double seconds,
                            Collection<AppendRecord> records, long calls, int resolvedAfterFaults,
                            Map<String, Integer> faults, List<Violation> violations, Long recoveryMillis,
                            Map<String, Object> extra) {
        int acked = 0;
        int unknown = 0;
        int dedup = 0;
        Map<String, Integer> rejected = new TreeMap<>();
        Map<String, Integer> failed = new TreeMap<>();
        Map<String, Integer> unknownByClass = new TreeMap<>();
        for (AppendRecord r : records) {
            if (r.last() instanceof Outcome.Acked) {
                acked++;
            } else if (r.last() instanceof Outcome.Failed f) {
                rejected.merge(f.errorClass(), 1, Integer::sum);
            }
            for (Outcome t : r.tries()) {
                if (t instanceof Outcome.Failed f) {
                    failed.merge(f.errorClass(), 1, Integer::sum);
                } else if (t instanceof Outcome.Unknown u) {
                    unknown++;
                    unknownByClass.merge(u.errorClass(), 1, Integer::sum);
                } else if (((Outcome.Acked) t).deduplicated()) {
                    dedup++;
                }
            }
        }
        int total = faults.values().stream().mapToInt(Integer::intValue).sum();
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < Math.min(10, violations.size()); i++) {
            samples.add(violations.get(i).toString());
        }
        return new Scenario(scenario, List.copyOf(strategies), writers, seconds, records.size(), acked, rejected,
                calls, failed, unknown, unknownByClass, resolvedAfterFaults, dedup, new TreeMap<>(faults), total,
                violations.size(), samples, recoveryMillis, new LinkedHashMap<>(extra));
    }

    /** Prints the summary and rewrites the report file with every scenario of this JVM so far. */
    static synchronized void record(Scenario s) {
        System.out.println(s.summary());
        SCENARIOS.put(s.scenario(), s);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("started", STARTED.toString());
        root.put("written", Instant.now().toString());
        root.put("soak", System.getProperty(Chaos.SOAK_PROPERTY, ""));
        root.put("scenarios", new ArrayList<>(SCENARIOS.values()));
        try {
            Path file = target().resolve("chaos-report.json");
            Files.createDirectories(file.getParent());
            MAPPER.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's build directory ({@code GAPLESS_TEST_WORKDIR} under surefire), else {@code target}. */
    static Path target() {
        String dir = System.getenv("GAPLESS_TEST_WORKDIR");
        return Path.of(dir == null || dir.isBlank() ? "target" : dir);
    }
}
