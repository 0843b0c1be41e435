package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.strategy.WriteStrategy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** The end of every fault scenario: resolve, check, report, assert. */
final class Scenarios {

    private Scenarios() {
    }

    /** A scenario's figures, as recorded in the report, and the checker's findings. */
    record Checked(ChaosReport.Scenario figures, List<Violation> violations) {
    }

    /**
     * With the faults stopped: resolves the appends left unknown with the same keys through {@code healthy}, checks
     * the history, records the figures and asserts that faults were injected and no invariant broke.
     */
    static ChaosReport.Scenario finish(String name, Workload workload, Collection<String> strategies, int writers,
                                       Duration faultPhase, List<UUID> artifacts, DataSource healthy,
                                       Map<String, Integer> faults, Long recoveryMillis, Map<String, Object> extra) {
        Checked checked = check(name, workload, strategies, writers, faultPhase, artifacts, healthy, faults,
                recoveryMillis, extra);
        ChaosReport.Scenario figures = checked.figures();
        List<Violation> violations = checked.violations();
        assertThat(violations).as("invariant violations in %s (seed %d):%n%s", name, workload.seed(),
                violations.stream().limit(30).map(Violation::toString).collect(Collectors.joining("\n")))
                .isEmpty();
        assertThat(figures.faultsInjected()).as("faults injected in %s: %s", name, faults).isPositive();
        assertThat(figures.acknowledged()).as("acknowledged appends in %s", name).isPositive();
        return figures;
    }

    /** As {@link #finish}, without the assertions: for scenarios that expect violations. */
    static Checked check(String name, Workload workload, Collection<String> strategies, int writers,
                         Duration faultPhase, List<UUID> artifacts, DataSource healthy, Map<String, Integer> faults,
                         Long recoveryMillis, Map<String, Object> extra) {
        ArtifactStore resolver = ArtifactStore.builder(healthy).strategy(WriteStrategy.rowLock())
                .defaultTimeout(Duration.ofSeconds(20)).build();
        int resolved = workload.resolve(resolver);
        List<AppendRecord> records = workload.records();
        List<Violation> violations = new HistoryChecker(healthy).check(artifacts, records);
        ChaosReport.Scenario figures = ChaosReport.figures(name, strategies, writers,
                faultPhase.toMillis() / 1000.0, records, workload.calls(), resolved, faults, violations,
                recoveryMillis, extra);
        ChaosReport.record(figures);
        return new Checked(figures, violations);
    }
}
