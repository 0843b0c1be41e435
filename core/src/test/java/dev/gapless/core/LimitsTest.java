package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.InvalidChangeException.Reason;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store's limits on files per artifact and bytes per artifact are checked under the artifact's lock by every
 * strategy (the server function in PL/pgSQL): a change past a limit is rejected naming the limit, and nothing is
 * written. A change that does not grow past a limit is accepted even where an artifact already exceeds it.
 */
class LimitsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    static Stream<String> allStrategies() {
        return Strategies.all().stream();
    }

    private static ArtifactStore store(String strategy, int maxFiles, long maxArtifactBytes) {
        return ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).maxFiles(maxFiles)
                .maxArtifactBytes(maxArtifactBytes).build();
    }

    @ParameterizedTest
    @MethodSource("allStrategies")
    void aChangePastTheFileLimitIsRejectedNamingItAndWritesNothing(String strategy) {
        ArtifactStore store = store(strategy, 3, 1 << 20);
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        store.append(id, Change.batch(List.of(Change.put(CodeFile.of("a", "1")), Change.put(CodeFile.of("b", "2")))));
        store.append(id, Change.put(CodeFile.of("c", "3")));

        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("d", "4")),
                AppendOptions.defaults().withIdempotencyKey("call_d")))
                .isInstanceOfSatisfying(InvalidChangeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_FILES);
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                    assertThat(e.getMessage()).contains("4 files").contains("limit of 3 files");
                });
        assertThat(store.history(id)).hasSize(2);
        assertThat(store.files(id).files()).extracting(FileInfo::filename).containsExactly("a", "b", "c");

        // replacing, and deleting then adding in one change, stay within the limit
        store.append(id, Change.put(CodeFile.of("c", "33")));
        store.append(id, Change.batch(List.of(Change.delete("a"), Change.put(CodeFile.of("d", "4")))));
        assertThat(store.files(id).files()).extracting(FileInfo::filename).containsExactly("b", "c", "d");
        // the rejected key is spent (issue 18 item 11): its replay meets the rejection again, even though d would
        // now be a replacement, and another change under it is a reuse of the key
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("d", "4")),
                AppendOptions.defaults().withIdempotencyKey("call_d")))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_FILES));
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("b", "22")),
                AppendOptions.defaults().withIdempotencyKey("call_d")))
                .isInstanceOf(IdempotencyKeyReusedException.class);
        Invariants.check(PG.dataSource(), store, id);
    }

    @ParameterizedTest
    @MethodSource("allStrategies")
    void aChangePastTheSizeLimitIsRejectedNamingItAndWritesNothing(String strategy) {
        ArtifactStore store = store(strategy, 100, 10);
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        store.append(id, Change.put(CodeFile.of("a", "12345678")));

        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("b", "€€"))))
                .isInstanceOfSatisfying(InvalidChangeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ARTIFACT_TOO_LARGE);
                    assertThat(e.getMessage()).contains("14 bytes").contains("limit of 10 bytes");
                });
        assertThat(store.history(id)).hasSize(1);
        store.append(id, Change.put(CodeFile.of("a", "1")));
        store.append(id, Change.put(CodeFile.of("b", "€€")));
        assertThat(store.files(id).files()).extracting(FileInfo::bytes).containsExactly(1L, 6L);
        Invariants.check(PG.dataSource(), store, id);
    }

    @ParameterizedTest
    @MethodSource("allStrategies")
    void anArtifactAlreadyPastALoweredLimitMayShrinkOrStayButNotGrow(String strategy) {
        ArtifactStore roomy = store(strategy, 10, 1000);
        UUID id = roomy.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        roomy.append(id, Change.batch(List.of(Change.put(CodeFile.of("a", "1")), Change.put(CodeFile.of("b", "2")),
                Change.put(CodeFile.of("c", "3")))));
        ArtifactStore tight = store(strategy, 2, 1000);

        tight.append(id, Change.put(CodeFile.of("a", "11")));
        assertThatThrownBy(() -> tight.append(id, Change.put(CodeFile.of("d", "4"))))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_FILES));
        tight.append(id, Change.delete("c"));
        assertThat(tight.files(id).files()).hasSize(2);
        Invariants.check(PG.dataSource(), tight, id);
    }

    @Test
    void aGroupCommitBatchRejectsOnlyTheMembersThatWouldPassALimit() throws Exception {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.groupCommit())
                .maxFiles(5).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        List<CodeFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            files.add(CodeFile.of("f" + i, "x" + i));
        }
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.puts(store, id, files);
        assertThat(outcomes.stream().filter(ConcurrentAppends.Outcome::succeeded)).hasSize(5);
        assertThat(outcomes.stream().filter(o -> !o.succeeded()))
                .allMatch(o -> o.failure() instanceof InvalidChangeException e && e.reason() == Reason.TOO_MANY_FILES);
        assertThat(store.files(id).files()).hasSize(5);
        Invariants.check(PG.dataSource(), store, id);
    }

    @Test
    void limitsMustBePositive() {
        var builder = ArtifactStore.builder(PG.dataSource());
        assertThatThrownBy(() -> builder.maxFiles(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxFileBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxArtifactBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
