package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checkout, diff, revert, paged and per-file history, delete: one artifact's life after its versions. */
class LifecycleTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private final ArtifactStore store = ArtifactStore.create(PG.dataSource());
    private final ArtifactLifecycle life = store.lifecycle();

    static Stream<String> strategies() {
        return Strategies.all().stream();
    }

    private Artifact newArtifact(ArtifactStore s) {
        return s.getOrCreate("chat-" + UUID.randomUUID(), "code", "Blink");
    }

    /** v1: a, b; v2: a changed; v3: c added, b deleted; v4: a's description changed. */
    private UUID fourVersions(ArtifactStore s) {
        UUID id = newArtifact(s).id();
        s.append(id, Change.batch(List.of(Change.put(new CodeFile("a.cpp", "cpp", "one\ntwo\n", "entry")),
                Change.put(new CodeFile("b.h", "c", "#define B", "")))));
        s.append(id, Change.put(new CodeFile("a.cpp", "cpp", "one\nTWO\n", "entry")));
        s.append(id, Change.batch(List.of(Change.put(CodeFile.of("c.txt", "see")), Change.delete("b.h"))));
        s.append(id, Change.put(new CodeFile("a.cpp", "cpp", "one\nTWO\n", "the entry point")));
        return id;
    }

    @Test
    void checkoutStreamsEveryVersionsFilesInSnapshotOrder() {
        UUID id = newArtifact(store).id();
        List<Change> puts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            puts.add(Change.put(CodeFile.of("src/f" + i + ".txt", "content " + i)));
        }
        store.append(id, Change.batch(puts));
        store.append(id, Change.batch(List.of(Change.delete("src/f7.txt"), Change.put(CodeFile.of("src/f3.txt", "x")),
                Change.put(CodeFile.of("zz.txt", "last")))));
        for (int k = 1; k <= 2; k++) {
            List<CodeFile> out = new ArrayList<>();
            assertThat(life.checkout(id, k, out::add)).isEqualTo(k);
            assertThat(out).as("version %d", k).isEqualTo(store.version(id, k).orElseThrow().snapshot().files());
        }
        List<CodeFile> head = new ArrayList<>();
        assertThat(life.checkout(id, null, head::add)).isEqualTo(2);
        assertThat(head).hasSize(300).contains(CodeFile.of("src/f3.txt", "x"));
        assertThatThrownBy(() -> life.checkout(id, 3, f -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no version 3");
        assertThatThrownBy(() -> life.checkout(UUID.randomUUID(), null, f -> { }))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void checkoutStopsWithTheSinksFailure() {
        UUID id = fourVersions(store);
        assertThatThrownBy(() -> life.checkout(id, 1, f -> {
            throw new java.io.IOException("disk full");
        })).isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("a.cpp").hasMessageContaining(
                "disk full");
    }

    @Test
    void diffListsOnlyTheFilesThatDifferWithBothSides() {
        UUID id = fourVersions(store);
        VersionDiff d = life.diff(id, 1, 3);
        assertThat(d.files()).extracting(ChangedFile::filename, ChangedFile::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a.cpp", ChangedFile.Kind.MODIFIED),
                org.assertj.core.groups.Tuple.tuple("b.h", ChangedFile.Kind.DELETED),
                org.assertj.core.groups.Tuple.tuple("c.txt", ChangedFile.Kind.ADDED));
        assertThat(d.files().get(0).before().content()).isEqualTo("one\ntwo\n");
        assertThat(d.files().get(0).after().content()).isEqualTo("one\nTWO\n");
        assertThat(d.files().get(1).before().content()).isEqualTo("#define B");

        VersionDiff reverse = life.diff(id, 3, 1);
        assertThat(reverse.files()).extracting(ChangedFile::kind).containsExactly(ChangedFile.Kind.MODIFIED,
                ChangedFile.Kind.ADDED, ChangedFile.Kind.DELETED);
        assertThat(life.diff(id, 4).files()).singleElement().satisfies(f -> {
            assertThat(f.before().description()).isEqualTo("entry");
            assertThat(f.after().description()).isEqualTo("the entry point");
        });
        assertThat(life.diff(id, 1).files()).extracting(ChangedFile::kind)
                .containsOnly(ChangedFile.Kind.ADDED).hasSize(2);
        assertThat(life.diff(id, 2, 2).isEmpty()).isTrue();
        // a file changed and changed back differs in nothing
        store.append(id, Change.put(new CodeFile("a.cpp", "cpp", "changed", "the entry point")));
        store.append(id, Change.put(new CodeFile("a.cpp", "cpp", "one\nTWO\n", "the entry point")));
        assertThat(life.diff(id, 4, 6).isEmpty()).isTrue();
    }

    @Test
    void diffOfAMissingVersionSaysWhichVersionsThereAre() {
        UUID id = fourVersions(store);
        assertThatThrownBy(() -> life.diff(id, 2, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no version 9").hasMessageContaining("1 to 4");
        assertThatThrownBy(() -> life.diff(id, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void revertWritesANewVersionWithTheTargetsFilesUnderEveryStrategy(String strategy) {
        ArtifactStore s = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        UUID id = fourVersions(s);
        long contents = Tables.rows(PG.dataSource(), "artifact_contents", id);
        RevertResult r = s.lifecycle().revert(id, 1, AppendOptions.defaults().withIdempotencyKey("undo-1"));
        assertThat(r.version()).isEqualTo(5);
        assertThat(r.written()).isTrue();
        assertThat(r.filesChanged()).isEqualTo(3);
        Version v5 = s.version(id, 5).orElseThrow();
        assertThat(v5.snapshot().files()).containsExactlyInAnyOrderElementsOf(
                s.version(id, 1).orElseThrow().snapshot().files());
        // stored as a change of the files that differ, no content stored again
        assertThat(v5.change()).isInstanceOf(Change.Batch.class);
        assertThat(((Change.Batch) v5.change()).changes()).hasSize(3);
        assertThat(Tables.rows(PG.dataSource(), "artifact_contents", id)).isEqualTo(contents);

        RevertResult replay = s.lifecycle().revert(id, 1, AppendOptions.defaults().withIdempotencyKey("undo-1"));
        assertThat(replay.deduplicated()).isTrue();
        assertThat(replay.version()).isEqualTo(5);
        assertThat(s.find(id).orElseThrow().headVersion()).isEqualTo(5);
        Invariants.check(PG.dataSource(), s, id);
    }

    @Test
    void revertToTheHeadsOwnFilesWritesNothing() {
        UUID id = fourVersions(store);
        store.append(id, Change.put(CodeFile.of("c.txt", "changed")));
        store.append(id, Change.put(CodeFile.of("c.txt", "see")));
        RevertResult r = life.revert(id, 4, AppendOptions.defaults());
        assertThat(r.written()).isFalse();
        assertThat(r.version()).isEqualTo(6);
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(6);
    }

    @Test
    void revertRacingWritersLandsOnTheirFiles() {
        UUID id = fourVersions(store);
        List<Change> writes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            writes.add(Change.put(CodeFile.of("other" + i + ".txt", "x")));
        }
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.run(store, id, writes, null);
        RevertResult r = life.revert(id, 2, AppendOptions.defaults().withIdempotencyKey("undo"));
        assertThat(outcomes).allMatch(ConcurrentAppends.Outcome::succeeded);
        assertThat(store.version(id, r.version()).orElseThrow().snapshot().files())
                .containsExactlyInAnyOrderElementsOf(store.version(id, 2).orElseThrow().snapshot().files());
        Invariants.check(PG.dataSource(), store, id);
    }

    @Test
    void historyPagesNewestFirstWithACursorAndByFile() {
        UUID id = fourVersions(store);
        HistoryPage first = life.history(id, HistoryQuery.latest(3));
        assertThat(first.versions()).extracting(VersionSummary::number).containsExactly(4, 3, 2);
        assertThat(first.nextBefore()).isEqualTo(2);
        HistoryPage second = life.history(id, HistoryQuery.latest(3).before(2));
        assertThat(second.versions()).extracting(VersionSummary::number).containsExactly(1);
        assertThat(second.next()).isEmpty();
        assertThat(life.history(id, HistoryQuery.latest(10).file("b.h")).versions())
                .extracting(VersionSummary::number).containsExactly(3, 1);
        assertThat(life.history(id, HistoryQuery.latest(1).file("a.cpp")).versions())
                .extracting(VersionSummary::number).containsExactly(4);
        assertThat(life.history(id, HistoryQuery.latest(10).file("nothing.txt")).versions()).isEmpty();
        assertThatThrownBy(() -> HistoryQuery.latest(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> life.history(UUID.randomUUID(), HistoryQuery.latest(5)))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void historyOfAFileFollowsEditsAndPatches() {
        UUID id = newArtifact(store).id();
        store.append(id, Change.put(CodeFile.of("a.txt", "hello\n")));
        store.append(id, Change.put(CodeFile.of("b.txt", "x")));
        store.append(id, Change.edit("a.txt", "hello", "bye"));
        store.append(id, Change.patch("*** Begin Patch\n*** Update File: a.txt\n@@\n-bye\n+ciao\n*** End Patch"));
        assertThat(life.history(id, HistoryQuery.latest(10).file("a.txt")).versions())
                .extracting(VersionSummary::number).containsExactly(4, 3, 1);
    }

    @Test
    void deleteRemovesTheArtifactFromEveryTableAndALaterCallStartsAtVersionOne() {
        String chat = "chat-" + UUID.randomUUID();
        Artifact code = store.getOrCreate(chat, "code", "");
        Artifact notes = store.getOrCreate(chat, "notes", "");
        Artifact other = newArtifact(store);
        for (Artifact a : List.of(code, notes, other)) {
            for (int i = 0; i < 70; i++) {
                store.append(a.id(), Change.put(CodeFile.of("f" + (i % 3) + ".txt", "v" + i)),
                        AppendOptions.defaults().withIdempotencyKey("k" + i));
            }
        }
        // a view and a keyed rejection too, so that every table holds rows of the artifact before the delete
        store.views().saw(code.id(), "", Map.of("f0.txt", 70));
        assertThatThrownBy(() -> store.append(code.id(), Change.edit("f0.txt", "absent", "x"),
                AppendOptions.defaults().withIdempotencyKey("rejected"))).isInstanceOf(GaplessException.class);
        life.prune(code.id(), Retention.keepLast(5));
        assertThat(Tables.rowsOf(PG.dataSource(), List.of(code.id()))).allSatisfy((table, n) -> assertThat(n)
                .as(table).isPositive());

        assertThat(life.deleteChat(chat)).containsExactlyInAnyOrder(code.id(), notes.id());
        Map<String, Long> left = Tables.rowsOf(PG.dataSource(), List.of(code.id(), notes.id()));
        assertThat(left).as("rows left of the deleted artifacts").allSatisfy((table, n) -> assertThat(n)
                .as(table).isZero());
        assertThat(Tables.rowsOf(PG.dataSource(), List.of(other.id())).get("artifact_versions")).isEqualTo(70);
        assertThatThrownBy(() -> store.append(code.id(), Change.put(CodeFile.of("a", "b"))))
                .isInstanceOf(ArtifactNotFoundException.class)
                .extracting(e -> ((GaplessException) e).outcome()).isEqualTo(Outcome.NOT_APPLIED);

        Artifact again = store.getOrCreate(chat, "code", "");
        assertThat(again.id()).isNotEqualTo(code.id());
        assertThat(store.append(again.id(), Change.put(CodeFile.of("a", "b"))).version()).isEqualTo(1);
        assertThat(life.delete(other.id())).isTrue();
        assertThat(life.delete(other.id())).isFalse();
        assertThat(life.deleteChat("no-such-chat-" + UUID.randomUUID())).isEmpty();
        assertThatThrownBy(() -> life.deleteChat(" ")).isInstanceOf(InvalidChangeException.class);
    }
}
