package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every non-baseline strategy: random concurrent mixes of adds, updates, deletes and batches on overlapping
 * filenames, with replayed idempotency keys, keep every invariant; each key yields exactly one version; every
 * acknowledged append is in the history as the version it was told, with its own change.
 */
class StrategyPropertiesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(80);

    static Stream<String> safeStrategies() {
        return WriteStrategy.names().stream(); // the real strategies: the lossy baselines are not listed
    }

    @ParameterizedTest
    @MethodSource("safeStrategies")
    void randomConcurrentMixesKeepEveryInvariant(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Property.forAll(8, Gens.workloads(48), workload -> check(store, workload));
    }

    @org.junit.jupiter.api.Test
    void theSamePropertyCatchesTheNaiveBaseline() {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.lossyBaseline("naive")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Property.forAll(8, Gens.workloads(48)
                        .assuming(w -> w.ops().size() >= 16), workload -> check(store, workload)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failures other than deleting a missing file");
    }

    private static void check(ArtifactStore store, Gens.Workload workload) {
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "mix");
        store.append(artifact.id(), Change.batch(workload.base().stream().map(Change::put).toList()));
        List<Change> changes = workload.ops().stream().map(Gens.Op::change).toList();
        List<String> keys = workload.ops().stream().map(Gens.Op::key).toList();
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.run(store, artifact.id(), changes, keys);

        Map<String, Integer> versionOfKey = new HashMap<>();
        Set<Integer> written = new HashSet<>();
        List<String> unexpected = new ArrayList<>();
        for (ConcurrentAppends.Outcome o : outcomes) {
            if (!o.succeeded()) {
                boolean allowed = o.failure() instanceof InvalidChangeException e
                        && e.reason() == InvalidChangeException.Reason.NO_SUCH_FILE;
                if (!allowed) {
                    unexpected.add(o.key() + ": " + o.failure());
                }
                continue;
            }
            Integer before = versionOfKey.putIfAbsent(o.key(), o.result().version());
            if (before != null) {
                assertThat(o.result().version()).as("every append with key %s gets the same version", o.key())
                        .isEqualTo(before);
            }
            if (!o.result().deduplicated()) {
                assertThat(written.add(o.result().version())).as("version %d acknowledged twice",
                        o.result().version()).isTrue();
            }
        }
        assertThat(unexpected).as("failures other than deleting a missing file").isEmpty();
        int head = store.find(artifact.id()).orElseThrow().headVersion();
        assertThat(head).as("one version per distinct applied key, plus the base").isEqualTo(1 + written.size());
        for (Map.Entry<String, Integer> e : versionOfKey.entrySet()) {
            Version v = store.version(artifact.id(), e.getValue()).orElseThrow();
            assertThat(v.key()).contains(e.getKey());
        }
        for (ConcurrentAppends.Outcome o : outcomes) {
            if (o.succeeded()) {
                assertThat(store.version(artifact.id(), o.result().version()).orElseThrow().change())
                        .as("the acknowledged version holds the acknowledged change").isEqualTo(o.change());
            }
        }
        Invariants.check(PG.dataSource(), store, artifact.id());
    }
}
