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

    /**
     * With the faults stopped: resolves the appends left unknown with the same keys through {@code healthy}, checks
     * the history, records the figures and asserts that faults were injected and no invariant broke.
     */
    static ChaosReport.Scenario finish(String name, Workload workload, Collection<String> strategies, int writers,
                                       Duration faultPhase, List<UUID> artifacts, DataSource healthy,
                                       Map<String, Integer> faults, Long recoveryMillis, Map<String, Object> extra) {
        ArtifactStore resolver = ArtifactStore.builder(healthy).strategy(WriteStrategy.rowLock())
                .defaultTimeout(Duration.ofSeconds(20)).build();
        int resolved = workload.resolve(resolver);
        List<AppendRecord> records = workload.records();
        List<Violation> violations = new HistoryChecker(healthy).check(artifacts, records);
        ChaosReport.Scenario figures = ChaosReport.figures(name, strategies, writers,
                faultPhase.toMillis() / 1000.0, records, workload.calls(), resolved, faults, violations,
                recoveryMillis, extra);
        ChaosReport.record(figures);
        assertThat(violations).as("invariant violations in %s (seed %d):%n%s", name, workload.seed(),
                violations.stream().limit(30).map(Violation::toString).collect(Collectors.joining("\n")))
                .isEmpty();
        assertThat(figures.faultsInjected()).as("faults injected in %s: %s", name, faults).isPositive();
        assertThat(figures.acknowledged()).as("acknowledged appends in %s", name).isPositive();
        return figures;
    }
}
