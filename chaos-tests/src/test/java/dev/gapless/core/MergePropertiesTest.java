package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.text.JGitTextMerger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * N concurrent writers of one file from one shared view (version 1), whole-file puts based on it and edits, each
 * replacing a random range of lines: with disjoint ranges every change is in the head; with ranges that may overlap,
 * each call is either acknowledged and its change in the head, or refused (a merge conflict, an edit whose text is
 * gone) and its change absent; never acknowledged and lost. For every strategy that keeps the invariants.
 */
class MergePropertiesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(40);

    private static ArtifactStore store(String strategy) {
        return ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.named(strategy))
                .merger(new JGitTextMerger()).build();
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void disjointRangesAllLand(String strategy) {
        ArtifactStore store = store(strategy);
        Property.forAll(4, Gens.lineWriters(8, true), w -> check(store, w, true));
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void overlappingRangesAreMergedAndPresentOrRefusedAndAbsent(String strategy) {
        ArtifactStore store = store(strategy);
        Property.forAll(4, Gens.lineWriters(8, false), w -> check(store, w, false));
    }

    static String line(int k) {
        return "line " + k + " of the shared view";
    }

    static String text(Gens.LineWriters w, int writer, int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int k = from; k <= to; k++) {
            boolean mine = writer >= 0 && k >= w.from()[writer] && k <= w.to()[writer];
            out.append(mine ? "writer " + writer + " changed line " + k : line(k)).append('\n');
        }
        return out.toString();
    }

    private static void check(ArtifactStore store, Gens.LineWriters w, boolean disjoint) {
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "merge").id();
        String original = text(w, -1, 1, w.lines());
        store.append(id, Change.put(new CodeFile("main.c", "c", original, "")));
        List<Change> calls = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            calls.add(w.edit()[i]
                    ? Change.edit("main.c", text(w, -1, w.from()[i], w.to()[i]), text(w, i, w.from()[i], w.to()[i]))
                    : Change.put(new CodeFile("main.c", "c", text(w, i, 1, w.lines()), ""), 1));
            keys.add("call_" + i);
        }
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.run(store, id, calls, keys);
        String head = store.file(id, "main.c").orElseThrow().file().content();
        List<String> lost = new ArrayList<>();
        List<String> refusedButPresent = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            ConcurrentAppends.Outcome o = outcomes.get(i);
            boolean present = head.contains("writer " + i + " changed line " + w.from()[i] + "\n");
            if (o.succeeded()) {
                if (!present) {
                    lost.add("call_" + i + " " + o.result());
                }
            } else {
                assertThat(o.failure()).as("call_%d's failure", i)
                        .isInstanceOfAny(MergeConflictException.class, InvalidChangeException.class);
                assertThat(((GaplessException) o.failure()).outcome()).isEqualTo(Outcome.NOT_APPLIED);
                if (o.failure() instanceof InvalidChangeException e) {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(InvalidChangeException.Reason.NO_MATCH);
                }
                if (present) {
                    refusedButPresent.add("call_" + i + " " + o.failure().getMessage());
                }
            }
        }
        assertThat(lost).as("acknowledged and lost, in %s", head).isEmpty();
        assertThat(refusedButPresent).as("refused but present").isEmpty();
        if (disjoint) {
            assertThat(outcomes).as("every disjoint change lands").allMatch(ConcurrentAppends.Outcome::succeeded);
        }
        Invariants.check(PG.dataSource(), store, id, new JGitTextMerger());
    }
}
