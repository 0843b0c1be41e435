package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retention: pruning a prefix of the history, by call and by the store's policy, beside writers. */
class PruneTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(24);

    private final ArtifactStore store = ArtifactStore.create(PG.dataSource());
    private final ArtifactLifecycle life = store.lifecycle();

    private UUID artifactWith(int versions) {
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "").id();
        for (int i = 1; i <= versions; i++) {
            // three files rewritten in turn, one file added now and then, one deleted: contents go out of use
            List<Change> changes = new ArrayList<>();
            changes.add(Change.put(CodeFile.of("f" + (i % 3) + ".txt", "version " + i + "\n")));
            if (i % 10 == 0) {
                changes.add(Change.put(CodeFile.of("added" + i + ".txt", "kept " + i)));
            }
            if (i % 10 == 5 && i > 10) {
                changes.add(Change.delete("added" + (i - 5) + ".txt"));
            }
            store.append(id, Change.batch(changes), AppendOptions.defaults().withIdempotencyKey("k" + i));
        }
        return id;
    }

    private Map<Integer, Snapshot> snapshots(UUID id, int from, int to) {
        Map<Integer, Snapshot> out = new HashMap<>();
        for (int k = from; k <= to; k++) {
            out.put(k, store.version(id, k).orElseThrow().snapshot());
        }
        return out;
    }

    /** Every kept version reads back as before, and each is its predecessor with its change applied. */
    private void assertKept(UUID id, int oldest, int head, Map<Integer, Snapshot> before) {
        assertThat(store.history(id)).extracting(VersionSummary::number)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(oldest, head).boxed().toList());
        Snapshot previous = null;
        for (int k = oldest; k <= head; k++) {
            Version v = store.version(id, k).orElseThrow();
            if (before.containsKey(k)) {
                assertThat(v.snapshot()).as("version %d after the prune", k).isEqualTo(before.get(k));
            }
            if (previous != null) {
                assertThat(v.change().apply(previous)).as("content(%d) = apply(change(%d), content(%d))", k, k,
                        k - 1).isEqualTo(v.snapshot());
            }
            previous = v.snapshot();
        }
        List<CodeFile> checkedOut = new ArrayList<>();
        life.checkout(id, oldest, checkedOut::add);
        assertThat(checkedOut).isEqualTo(store.version(id, oldest).orElseThrow().snapshot().files());
    }

    @Test
    void keepLastKeepsTheNewestVersionsByteForByteAndNamesTheOldestKept() {
        UUID id = artifactWith(150);
        Map<Integer, Snapshot> before = snapshots(id, 140, 150);
        long contents = Tables.rows(PG.dataSource(), "artifact_contents", id);

        PruneResult r = life.prune(id, Retention.keepLast(11));
        assertThat(r.oldestKept()).isEqualTo(140);
        assertThat(r.versionsRemoved()).isEqualTo(139);
        assertThat(r.contentsRemoved()).isPositive();
        assertThat(r.bytesRemoved()).isPositive();
        assertThat(Tables.rows(PG.dataSource(), "artifact_contents", id)).isEqualTo(contents - r.contentsRemoved());
        assertKept(id, 140, 150, before);

        assertThatThrownBy(() -> store.version(id, 139)).isInstanceOf(VersionPrunedException.class)
                .hasMessageContaining("version 139").hasMessageContaining("oldest version kept is 140")
                .satisfies(e -> assertThat(((VersionPrunedException) e).oldestKept()).isEqualTo(140));
        assertThatThrownBy(() -> life.diff(id, 3, 150)).isInstanceOf(VersionPrunedException.class);
        assertThatThrownBy(() -> life.revert(id, 1, AppendOptions.defaults()))
                .isInstanceOf(VersionPrunedException.class).hasMessageContaining("oldest version kept is 140");
        assertThatThrownBy(() -> life.checkout(id, 100, f -> { })).isInstanceOf(VersionPrunedException.class);

        // numbering continues; the diff from the empty artifact still works
        assertThat(store.append(id, Change.put(CodeFile.of("n.txt", "n"))).version()).isEqualTo(151);
        assertThat(life.diff(id, 0, 151).files()).hasSize(store.files(id).files().size());
        assertThat(life.revert(id, 140, AppendOptions.defaults()).version()).isEqualTo(152);
        assertThat(store.latest(id).orElseThrow().snapshot()).isEqualTo(before.get(140));

        // pruning again to the same point removes nothing
        PruneResult again = life.prune(id, Retention.keepNewerThan(139));
        assertThat(again.versionsRemoved()).isZero();
        assertThat(again.oldestKept()).isEqualTo(140);
    }

    @Test
    void noContentAKeptVersionNeedsIsRemovedAndNoUnreferencedOneStays() {
        UUID id = artifactWith(90);
        life.prune(id, Retention.keepNewerThan(60));
        // every content left is referenced by a kept version's files, and every kept version's files are there
        java.util.Set<String> needed = new java.util.HashSet<>();
        for (int k = 61; k <= 90; k++) {
            store.version(id, k).orElseThrow().snapshot().files().forEach(f -> needed.add(f.content()));
        }
        List<String> stored = new ArrayList<>();
        try (var c = PG.dataSource().getConnection();
             var s = c.prepareStatement("SELECT content FROM artifact_contents WHERE artifact_id = ?")) {
            s.setObject(1, id);
            try (var rows = s.executeQuery()) {
                while (rows.next()) {
                    stored.add(rows.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        assertThat(stored).containsExactlyInAnyOrderElementsOf(needed);
    }

    @Test
    void keepSinceATimeKeepsTheVersionsWrittenAfterIt() throws Exception {
        UUID id = artifactWith(20);
        // the server's time, after version 20 committed and before version 21's transaction starts
        Instant cut = serverNow();
        for (int i = 0; i < 5; i++) {
            store.append(id, Change.put(CodeFile.of("late.txt", "late " + i)));
        }
        assertThat(life.prune(id, Retention.keepSince(cut)).oldestKept()).isEqualTo(21);
        // far in the future: only the head is kept, never less
        assertThat(life.prune(id, Retention.keepSince(Instant.now().plusSeconds(3600))).oldestKept())
                .isEqualTo(25);
        assertThat(store.latest(id).orElseThrow().number()).isEqualTo(25);
        assertThat(life.prune(id, Retention.keepLast(1)).versionsRemoved()).isZero();
    }

    @Test
    void theStoresPolicyPrunesAsVersionsAreWritten() {
        ArtifactStore kept = ArtifactStore.builder(PG.dataSource()).retention(Retention.keepLast(10)).build();
        UUID id = kept.getOrCreate("chat-" + UUID.randomUUID(), "code", "").id();
        for (int i = 1; i <= 200; i++) {
            kept.append(id, Change.put(CodeFile.of("main.c", "v" + i)));
        }
        // after version 192 (the last multiple of 64) the policy kept 183..192; 193..200 were written since
        assertThat(kept.history(id)).extracting(VersionSummary::number).first().isEqualTo(183);
        assertThat(kept.history(id)).hasSize(18);
        assertThat(Tables.rows(PG.dataSource(), "artifact_contents", id)).isEqualTo(18);
        assertThat(kept.latest(id).orElseThrow().snapshot().find("main.c").orElseThrow().content()).isEqualTo("v200");
    }

    @Test
    void aContentAWriterHoldsIsLeftForALaterPruneRatherThanWaitedFor() throws Exception {
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "").id();
        store.append(id, Change.batch(List.of(Change.put(CodeFile.of("a.txt", "old a")),
                Change.put(CodeFile.of("b.txt", "old b")))));
        store.append(id, Change.batch(List.of(Change.put(CodeFile.of("a.txt", "new a")),
                Change.put(CodeFile.of("b.txt", "new b")))));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (java.sql.Connection holder = PG.dataSource().getConnection()) {
            // what a writer's file row referencing "old a" holds until it commits: the foreign key's KEY SHARE lock
            holder.setAutoCommit(false);
            try (java.sql.PreparedStatement lock = holder.prepareStatement("SELECT 1 FROM artifact_contents"
                    + " WHERE artifact_id = ? AND content = 'old a' FOR KEY SHARE")) {
                lock.setObject(1, id);
                try (java.sql.ResultSet rows = lock.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                }
            }
            // a prune that waited for the holder would never return while it holds the lock
            PruneResult first = pool.submit(() -> life.prune(id, Retention.keepLast(1))).get(60, TimeUnit.SECONDS);
            assertThat(first.versionsRemoved()).isEqualTo(1);
            assertThat(first.contentsRemoved()).isEqualTo(1);
            holder.rollback();
        } finally {
            pool.shutdown();
        }
        PruneResult second = life.prune(id, Retention.keepLast(1));
        assertThat(second.versionsRemoved()).isZero();
        assertThat(second.contentsRemoved()).isEqualTo(1);
        assertThat(Tables.rows(PG.dataSource(), "artifact_contents", id)).isEqualTo(2);
        assertKept(id, 2, 2, Map.of());
    }

    @Test
    void prunesOfOneArtifactRunningTogetherAllSucceedAndAgreeOnTheOldestKept() throws Exception {
        UUID id = artifactWith(60);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<PruneResult>> prunes = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            prunes.add(pool.submit(() -> life.prune(id, Retention.keepLast(10))));
        }
        int removed = 0;
        for (Future<PruneResult> f : prunes) {
            PruneResult r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.oldestKept()).isEqualTo(51);
            removed += r.versionsRemoved();
        }
        pool.shutdown();
        assertThat(removed).isEqualTo(50);
        assertKept(id, 51, 60, Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"row-lock", "server-function", "group-commit", "advisory-lock"})
    void pruningBesideWritersLosesNoWriteAndKeepsEveryKeptVersionReadable(String strategy) throws Exception {
        ArtifactStore s = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        UUID id = s.getOrCreate("chat-" + UUID.randomUUID(), "code", "").id();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                int n = 0;
                while (n < 60) {
                    // the same contents come back: a pruned-unreferenced content is put again while pruning
                    s.append(id, Change.put(CodeFile.of("w" + writer + ".txt", "n" + (n % 7))),
                            AppendOptions.defaults().withIdempotencyKey("w" + writer + "-" + n));
                    n++;
                }
                return n;
            }));
        }
        Future<Integer> pruner = pool.submit(() -> {
            int prunes = 0;
            while (!stop.get()) {
                s.lifecycle().prune(id, Retention.keepLast(5));
                prunes++;
            }
            return prunes;
        });
        int written = 0;
        for (Future<Integer> f : writers) {
            written += f.get(120, TimeUnit.SECONDS);
        }
        stop.set(true);
        assertThat(pruner.get(60, TimeUnit.SECONDS)).isPositive();
        pool.shutdown();
        PruneResult last = s.lifecycle().prune(id, Retention.keepLast(5));
        int head = s.find(id).orElseThrow().headVersion();
        assertThat(head).isEqualTo(written);
        assertThat(last.oldestKept()).isEqualTo(head - 4);
        assertKept(id, head - 4, head, Map.of());
        for (int w = 0; w < 4; w++) {
            assertThat(s.latest(id).orElseThrow().snapshot().find("w" + w + ".txt").orElseThrow().content())
                    .isEqualTo("n" + (59 % 7));
        }
    }

    private static Instant serverNow() {
        try (java.sql.Connection c = PG.dataSource().getConnection();
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rows = s.executeQuery("SELECT clock_timestamp()")) {
            rows.next();
            return rows.getTimestamp(1).toInstant();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
