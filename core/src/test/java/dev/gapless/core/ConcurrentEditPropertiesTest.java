package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parallel edits of one file, as a model issues them: N concurrent replacements of N distinct anchors give N
 * versions and a final file with every replacement, for every strategy that keeps the invariants. The same calls made
 * as whole-file writes (each sending its own edited copy of the text it read) lose all but one replacement: every
 * version is there and numbered, and the edits are gone anyway. That is asserted too, so the property can see it.
 */
class ConcurrentEditPropertiesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(80);

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void concurrentReplacementsOfDistinctAnchorsAllLand(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Property.forAll(5, Gens.writers(2, 32), n -> assertEveryReplacementKept(store, n, false));
    }

    @Test
    void theSamePropertyCatchesWholeFileWritesLosingEdits() {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.rowLock()).build();
        assertThatThrownBy(() -> Property.forAll(5, Gens.writers(2, 32),
                n -> assertEveryReplacementKept(store, n, true)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Property falsified")
                .hasMessageContaining("replacements lost");
    }

    private static String original(int n) {
        StringBuilder text = new StringBuilder("#include <stdio.h>\n");
        for (int i = 0; i < n; i++) {
            text.append("int slot_").append(i).append("(void) { return 0; }\n");
        }
        return text.toString();
    }

    private static void assertEveryReplacementKept(ArtifactStore store, int n, boolean wholeFile) {
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "edits").id();
        String original = original(n);
        store.append(id, Change.put(new CodeFile("main.cpp", "c", original, "")));
        List<Change> calls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String before = "int slot_" + i + "(void) { return 0; }";
            String after = "int slot_" + i + "(void) { return " + (100 + i) + "; }";
            calls.add(wholeFile ? Change.put(new CodeFile("main.cpp", "c", original.replace(before, after), ""))
                    : Change.edit("main.cpp", before, after));
            keys.add("call_" + i);
        }
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.run(store, id, calls, keys);

        assertThat(outcomes.stream().filter(o -> !o.succeeded()).map(o -> o.failure().toString()).toList())
                .as("failed calls").isEmpty();
        Set<Integer> versions = new HashSet<>();
        outcomes.forEach(o -> versions.add(o.result().version()));
        assertThat(versions).as("each call got its own version").hasSize(n);
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(n + 1);
        String last = store.latest(id).orElseThrow().snapshot().find("main.cpp").orElseThrow().content();
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!last.contains("return " + (100 + i) + ";")) {
                lost.add(i);
            }
        }
        assertThat(lost).as("replacements lost (of %d)", n).isEmpty();
        Invariants.check(PG.dataSource(), store, id);
    }
}
