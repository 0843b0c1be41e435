package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two stores, each with its own pool (as two application instances would have), writing one artifact at the same
 * time. The database, not anything in-process, must keep them correct.
 */
class MixedStrategiesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static DataSource poolA;
    private static DataSource poolB;

    @BeforeAll
    static void twoPools() {
        poolA = PG.newDataSource(40);
        poolB = PG.newDataSource(40);
    }

    @AfterAll
    static void closePools() throws Exception {
        ((AutoCloseable) poolA).close();
        ((AutoCloseable) poolB).close();
    }

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of("row-lock", "advisory-lock"),
                Arguments.of("row-lock", "server-function"),
                Arguments.of("group-commit", "group-commit"),
                Arguments.of("group-commit", "row-lock"),
                Arguments.of("advisory-lock", "server-function"),
                Arguments.of("optimistic", "row-lock"),
                Arguments.of("serializable", "retry"));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("pairs")
    void twoStoresWithDifferentStrategiesOnOneArtifactKeepEveryFile(String a, String b) {
        ArtifactStore storeA = ArtifactStore.builder(poolA).strategy(Strategies.of(a)).build();
        ArtifactStore storeB = ArtifactStore.builder(poolB).strategy(Strategies.of(b)).build();
        Artifact artifact = storeA.getOrCreate("chat-" + UUID.randomUUID(), "code", "mixed");
        List<ConcurrentAppends.Outcome> outcomes = runBoth(storeA, storeB, artifact.id(), 24);

        assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).as("failure of %s", o.key()).isNull());
        assertThat(storeA.latest(artifact.id()).orElseThrow().snapshot().size()).isEqualTo(48);
        assertThat(storeA.find(artifact.id()).orElseThrow().headVersion()).isEqualTo(48);
        Invariants.check(PG.dataSource(), storeA, artifact.id());
    }

    /**
     * Mixing in a baseline: the baseline's own appends may fail (that is its bug), but it never corrupts the history
     * and never makes a correct strategy's append fail. Regression: when the unlocked writers inserted before moving
     * the head, a naive writer holding an uncommitted version waited for the row lock while the row-lock holder
     * waited for that version's index entry: deadlocks (40P01), 13 s waits and failed row-lock appends. Every
     * writer now takes the row lock (by moving the head) before it inserts.
     */
    @Test
    void aNaiveWriterMixedInLosesOnlyItsOwnAppends() {
        ArtifactStore correct = ArtifactStore.builder(poolA).strategy(WriteStrategy.rowLock()).build();
        ArtifactStore naive = ArtifactStore.builder(poolB).strategy(WriteStrategy.lossyBaseline("naive")).build();
        Artifact artifact = correct.getOrCreate("chat-" + UUID.randomUUID(), "code", "mixed");
        List<ConcurrentAppends.Outcome> outcomes = runBoth(correct, naive, artifact.id(), 24);

        List<ConcurrentAppends.Outcome> fromCorrect = outcomes.subList(0, 24);
        List<ConcurrentAppends.Outcome> fromNaive = outcomes.subList(24, 48);
        assertThat(fromCorrect).allSatisfy(o -> assertThat(o.failure()).isNull());
        assertThat(fromNaive).allSatisfy(o -> {
            if (o.failure() != null) {
                assertThat(o.failure()).isInstanceOf(WriteConflictException.class);
            }
        });
        long naiveSucceeded = fromNaive.stream().filter(ConcurrentAppends.Outcome::succeeded).count();
        assertThat(correct.find(artifact.id()).orElseThrow().headVersion()).isEqualTo(24 + (int) naiveSucceeded);
        Invariants.check(PG.dataSource(), correct, artifact.id());
    }

    /** Runs n appends through each store, all released together; outcomes of store a first. */
    private static List<ConcurrentAppends.Outcome> runBoth(ArtifactStore a, ArtifactStore b, UUID id, int n) {
        List<CodeFile> filesA = new ArrayList<>();
        List<CodeFile> filesB = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            filesA.add(CodeFile.of("a/file_" + i + ".cpp", "a" + i));
            filesB.add(CodeFile.of("b/file_" + i + ".cpp", "b" + i));
        }
        CompletableFuture<List<ConcurrentAppends.Outcome>> fa =
                CompletableFuture.supplyAsync(() -> ConcurrentAppends.puts(a, id, filesA));
        CompletableFuture<List<ConcurrentAppends.Outcome>> fb =
                CompletableFuture.supplyAsync(() -> ConcurrentAppends.puts(b, id, filesB));
        List<ConcurrentAppends.Outcome> all = new ArrayList<>(fa.join());
        all.addAll(fb.join());
        return all;
    }
}
