package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writers racing a delete: each append either lands before the delete (and goes with it) or fails with
 * {@link ArtifactNotFoundException}, NOT_APPLIED; afterwards no table holds a row of the deleted artifacts.
 */
class DeleteRaceTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(24);

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void noRowOfADeletedArtifactSurvivesWritersRacingTheDelete(String strategy) throws Exception {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Random random = new Random(strategy.hashCode());
        for (int round = 0; round < 4; round++) {
            String chat = "chat-" + UUID.randomUUID();
            List<UUID> ids = new ArrayList<>();
            for (String type : List.of("code", "notes")) {
                UUID id = store.getOrCreate(chat, type, "").id();
                store.append(id, Change.put(CodeFile.of("seed.txt", "seed")));
                ids.add(id);
            }
            int writers = 6;
            ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Throwable>>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                UUID id = ids.get(w % 2);
                int writer = w;
                results.add(pool.submit(() -> {
                    go.await();
                    List<Throwable> failures = new ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        try {
                            store.append(id, Change.batch(List.of(
                                    Change.put(CodeFile.of("w" + writer + "/" + i + ".txt", "new " + writer + i)),
                                    Change.edit("seed.txt", "seed", "seed" + writer + "-" + i))),
                                    AppendOptions.defaults().withIdempotencyKey(writer + "-" + i));
                        } catch (InvalidChangeException e) {
                            // the edit found another writer's text: that is fine, it wrote nothing
                            store.append(id, Change.put(CodeFile.of("seed.txt", "seed")));
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                    return failures;
                }));
            }
            int delay = random.nextInt(15);
            Future<List<UUID>> deleted = pool.submit(() -> {
                go.await();
                Thread.sleep(delay);
                return store.lifecycle().deleteChat(chat);
            });
            go.countDown();
            assertThat(deleted.get(120, TimeUnit.SECONDS)).containsExactlyInAnyOrderElementsOf(ids);
            for (Future<List<Throwable>> f : results) {
                for (Throwable failure : f.get(120, TimeUnit.SECONDS)) {
                    assertThat(failure).as("a writer racing the delete").isInstanceOf(ArtifactNotFoundException.class);
                    assertThat(((GaplessException) failure).outcome()).isEqualTo(Outcome.NOT_APPLIED);
                }
            }
            pool.shutdown();
            Map<String, Long> left = Tables.rowsOf(PG.dataSource(), ids);
            assertThat(left).as("tables checked").containsKeys("artifacts", "artifact_versions", "artifact_files",
                    "artifact_contents", "artifact_manifests", "artifact_retention");
            assertThat(left).as("rows of deleted artifacts after round %d", round)
                    .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
            // a later call for that chat starts a new artifact at version 1
            UUID again = store.getOrCreate(chat, "code", "").id();
            assertThat(store.append(again, Change.put(CodeFile.of("a", "b"))).version()).isEqualTo(1);
        }
    }
}
