package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A put that says which version its writer saw, in core alone (no merger on core's test class path: the merges
 * themselves are tested in gapless-text): a current base writes as a plain put, a stale base whose file did not
 * change writes too, a stale base whose file changed is refused, never silently overwritten; a write that changes
 * nothing adds no version. For every strategy that keeps the invariants.
 */
class BasedPutTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(8);

    private static ArtifactStore store(String strategy) {
        return ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
    }

    private static UUID artifact(ArtifactStore store) {
        return store.getOrCreate("chat-" + UUID.randomUUID(), "code", "based").id();
    }

    private static String content(ArtifactStore store, UUID id, String name) {
        return store.file(id, name).orElseThrow().file().content();
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aPutWhoseBaseIsCurrentIsWrittenAsAPlainPut(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        AppendResult first = store.append(id, Change.put(CodeFile.of("a.txt", "one\n"), 0));
        AppendResult second = store.append(id, Change.put(CodeFile.of("a.txt", "two\n"), first.version()));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.merged()).isFalse();
        assertThat(second.unchanged()).isFalse();
        assertThat(second.summary()).isEqualTo("Updated a.txt");
        assertThat(content(store, id, "a.txt")).isEqualTo("two\n");
        assertThat(store.version(id, 2).orElseThrow().change()).isEqualTo(Change.put(CodeFile.of("a.txt", "two\n"), 1));
        Invariants.check(PG.dataSource(), store, id);
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aStaleBaseWhoseFileDidNotChangeSinceIsWrittenAsItIs(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.put(CodeFile.of("a.txt", "one\n")));
        store.append(id, Change.put(CodeFile.of("b.txt", "other file\n")));
        AppendResult r = store.append(id, Change.put(CodeFile.of("a.txt", "two\n"), 1));
        assertThat(r.version()).isEqualTo(3);
        assertThat(r.merged()).isFalse();
        assertThat(content(store, id, "a.txt")).isEqualTo("two\n");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aPutBasedOnAPrunedVersionIsRefusedNamingTheOldestKeptAndNothingIsWritten(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.put(CodeFile.of("a.txt", "one\n")));
        for (int i = 2; i <= 5; i++) {
            store.append(id, Change.put(CodeFile.of("b.txt", "b" + i + "\n")));
        }
        store.lifecycle().prune(id, Retention.keepLast(2)); // versions 4 and 5 are kept
        // the file at version 1, and what changed it since, are gone: neither a merge nor a plain write is right
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("a.txt", "mine\n"), 1)))
                .isInstanceOfSatisfying(VersionPrunedException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                    assertThat(e.version()).isEqualTo(1);
                    assertThat(e.oldestKept()).isEqualTo(4);
                });
        assertThat(store.latest(id).orElseThrow().number()).isEqualTo(5);
        assertThat(content(store, id, "a.txt")).isEqualTo("one\n");
        // a base that is still kept merges (here: unchanged since, so written as it is)
        AppendResult kept = store.append(id, Change.put(CodeFile.of("a.txt", "mine\n"), 4));
        assertThat(kept.version()).isEqualTo(6);
        assertThat(content(store, id, "a.txt")).isEqualTo("mine\n");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void withoutAMergerAStalePutOfAChangedFileIsRefusedAndNothingIsWritten(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.put(CodeFile.of("a.txt", "one\ntwo\n")));
        store.append(id, Change.edit("a.txt", "one", "ONE"));
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("a.txt", "one\nTWO\n"), 1)))
                .isInstanceOfSatisfying(MergeConflictException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                    assertThat(e.filename()).isEqualTo("a.txt");
                    assertThat(e.baseVersion()).isEqualTo(1);
                    assertThat(e.headVersion()).isEqualTo(2);
                    assertThat(e.conflicts()).isEmpty();
                })
                .hasMessage("'a.txt' was written from version 1 but changed by version 2, and cannot be merged: no"
                        + " merger available (put gapless-text on the class path, or give one to"
                        + " ArtifactStore.builder(...).merger(...)); nothing was written");
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(2);
        assertThat(content(store, id, "a.txt")).isEqualTo("ONE\ntwo\n");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aBaseNewerThanTheHeadIsInvalidAndNothingIsWritten(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.put(CodeFile.of("a.txt", "one\n")));
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("a.txt", "two\n"), 5)))
                .isInstanceOfSatisfying(InvalidChangeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidChangeException.Reason.INVALID_FIELD);
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                })
                .hasMessage("the base version 5 of 'a.txt' is newer than the artifact's head, version 1");
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(1);
    }

    @Test
    void aNegativeBaseIsRejectedBeforeAnything() {
        assertThatThrownBy(() -> Change.put(CodeFile.of("a.txt", "x"), -1))
                .isInstanceOf(InvalidChangeException.class)
                .hasMessage("the base version of 'a.txt' must be 0 or more, was -1");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aWriteThatChangesNothingAddsNoVersion(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.batch(List.of(Change.put(CodeFile.of("a.txt", "a\n")),
                Change.put(CodeFile.of("b.txt", "b\n")))));
        AppendResult same = store.append(id, Change.put(CodeFile.of("a.txt", "a\n")));
        assertThat(same.unchanged()).isTrue();
        assertThat(same.version()).isEqualTo(1);
        assertThat(same.deduplicated()).isFalse();
        AppendResult sameBatch = store.append(id, Change.batch(List.of(Change.put(CodeFile.of("b.txt", "b\n")),
                Change.put(CodeFile.of("a.txt", "a\n"), 1))));
        assertThat(sameBatch.unchanged()).isTrue();
        assertThat(sameBatch.version()).isEqualTo(1);
        assertThat(store.history(id)).hasSize(1);

        AppendResult changed = store.append(id, Change.batch(List.of(Change.put(CodeFile.of("a.txt", "a\n")),
                Change.put(CodeFile.of("b.txt", "B\n")))));
        assertThat(changed.unchanged()).isFalse();
        assertThat(changed.version()).isEqualTo(2);
        Invariants.check(PG.dataSource(), store, id);
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aKeyedReplayOfAPutThatLandedIsStillADuplicateNotUnchanged(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        Change put = Change.put(CodeFile.of("a.txt", "a\n"), 0);
        AppendOptions keyed = AppendOptions.defaults().withIdempotencyKey("call_1");
        assertThat(store.append(id, put, keyed).version()).isEqualTo(1);
        AppendResult replay = store.append(id, put, keyed);
        assertThat(replay.deduplicated()).isTrue();
        assertThat(replay.unchanged()).isFalse();
        assertThat(replay.version()).isEqualTo(1);
        AppendResult otherKey = store.append(id, put, AppendOptions.defaults().withIdempotencyKey("call_2"));
        assertThat(otherKey.unchanged()).isTrue();
        assertThat(otherKey.version()).isEqualTo(1);
        assertThat(store.history(id)).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aChangedDescriptionIsAChange(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store);
        store.append(id, Change.put(new CodeFile("a.txt", "text", "a\n", "first")));
        AppendResult r = store.append(id, Change.put(new CodeFile("a.txt", "text", "a\n", "second")));
        assertThat(r.unchanged()).isFalse();
        assertThat(r.version()).isEqualTo(2);
    }
}
