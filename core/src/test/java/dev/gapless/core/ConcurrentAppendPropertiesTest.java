package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The central property: N concurrent adds of distinct files to one artifact give versions exactly 1..N, a head of
 * N, a final snapshot with all N files, and a linear history. Proven for {@code row-lock}; shown to fail for
 * {@code naive}, which proves the property can see the bug.
 */
class ConcurrentAppendPropertiesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(80);

    @Test
    void rowLockKeepsEveryFileAndNeverSkipsAVersion() {
        Property.forAll(25, Gens.distinctFiles(1, 64), files -> assertAllKept(WriteStrategy::rowLock, files));
    }

    @Test
    void theSamePropertyCatchesTheNaiveBaselineLosingFiles() {
        assertThatThrownBy(() -> Property.forAll(25, Gens.distinctFiles(8, 64),
                files -> assertAllKept(() -> WriteStrategy.lossyBaseline("naive"), files)))
                .as("the property must find naive losing files")
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Property falsified")
                .hasMessageContaining("files lost")
                .hasMessageContaining("WriteConflictException");
    }

    @Test
    void getOrCreateFromSixteenThreadsGivesOneArtifact() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "chat-" + UUID.randomUUID();
        int threads = 16;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        var go = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<Artifact>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return store.getOrCreate(chat, "code", "Blink");
                }));
            }
            go.countDown();
            Set<UUID> ids = new HashSet<>();
            for (var future : futures) {
                ids.add(future.get().id());
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        try (var c = PG.dataSource().getConnection();
             var s = c.prepareStatement("SELECT count(*) FROM artifacts WHERE chat_id = ?")) {
            s.setString(1, chat);
            try (var r = s.executeQuery()) {
                r.next();
                assertThat(r.getInt(1)).isEqualTo(1);
            }
        }
    }

    private static void assertAllKept(Supplier<WriteStrategy> strategy, List<CodeFile> files) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(strategy.get()).build();
        Artifact artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "property");
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.puts(store, artifact.id(), files);
        int n = files.size();

        List<String> failures = outcomes.stream().filter(o -> !o.succeeded())
                .map(o -> o.failure().getClass().getSimpleName() + ": " + o.failure().getMessage()).toList();
        assertThat(failures).as("appends that failed (files lost)").isEmpty();
        Set<Integer> versions = new HashSet<>();
        outcomes.forEach(o -> versions.add(o.result().version()));
        assertThat(versions).as("each append got its own version").hasSize(n);
        assertThat(store.find(artifact.id()).orElseThrow().headVersion()).isEqualTo(n);
        Snapshot last = store.latest(artifact.id()).orElseThrow().snapshot();
        assertThat(last.filenames()).as("the final snapshot holds every file")
                .containsExactlyInAnyOrderElementsOf(files.stream().map(CodeFile::filename).toList());
        for (CodeFile file : files) {
            assertThat(last.find(file.filename())).contains(file);
        }
        Invariants.check(PG.dataSource(), store, artifact.id());
    }
}
