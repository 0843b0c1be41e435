package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The change feed's property, shared by the core property test and the chaos test that restarts the server:
 * {@code writers} threads append {@code appends} versions each (a failed append is retried with its idempotency
 * key, so each lands once), subscribers start from random versions before and during the run, {@code fault}
 * breaks connections or restarts the server in the middle, and each subscriber must then have exactly the versions
 * after its start, once each, in order.
 *
 * @param writers      concurrent writers
 * @param appends      appends per writer
 * @param before       versions written before any subscriber starts
 * @param subscribers  subscribers started before the writers (as many again start after the fault)
 * @param seed         for the start versions
 */
record FeedWorkload(int writers, int appends, int before, int subscribers, long seed) {

    /** Something that breaks the run in its middle. */
    @FunctionalInterface
    interface Fault {
        void strike() throws Exception;
    }

    /** Runs the workload on a fresh artifact of {@code store} and checks every subscriber. */
    void check(ArtifactStore store, Fault fault) throws Exception {
        Random random = new Random(seed);
        Artifact artifact = store.getOrCreate("feed-prop-" + UUID.randomUUID(), "code", "feed property");
        for (int i = 0; i < before; i++) {
            appendOnce(store, artifact.id(), "before-" + i);
        }
        List<Integer> starts = new ArrayList<>();
        List<FeedRecorder> recorders = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            subscribe(store, artifact.id(), random.nextInt(before + 3), starts, recorders);
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                running.add(pool.submit(() -> {
                    for (int i = 0; i < appends; i++) {
                        appendOnce(store, artifact.id(), "w" + writer + "-" + i);
                    }
                    return null;
                }));
            }
            fault.strike();
            int head = head(store, artifact.id());
            for (int i = 0; i < subscribers; i++) {
                subscribe(store, artifact.id(), random.nextInt(head + 2), starts, recorders);
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int head = head(store, artifact.id());
        assertThat(head).as("every append landed once").isEqualTo(before + writers * appends);
        for (int i = 0; i < recorders.size(); i++) {
            FeedRecorder r = recorders.get(i);
            int start = starts.get(i);
            int expected = Math.max(0, head - start);
            r.await(e -> e.size() >= expected);
            r.cancel();
            assertThat(r.error()).as("subscriber %d failed", i).isNull();
            assertThat(r.versions(artifact.id())).as("subscriber %d, from version %d, head %d", i, start, head)
                    .isEqualTo(IntStream.rangeClosed(start + 1, head).boxed().toList());
        }
    }

    private static void subscribe(ArtifactStore store, UUID id, int start, List<Integer> starts,
                                  List<FeedRecorder> recorders) {
        FeedRecorder r = new FeedRecorder(1 + start % 7); // small, varied demand
        store.feed().artifact(id, start).subscribe(r);
        starts.add(start);
        recorders.add(r);
    }

    /** The head, read again while the connections the fault broke are being replaced. */
    private static int head(ArtifactStore store, UUID id) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return store.files(id).version();
            } catch (GaplessException e) {
                if (attempt >= 200) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Appends with a key, retrying failures with the same key so that the version lands exactly once. */
    static void appendOnce(ArtifactStore store, UUID id, String key) throws InterruptedException {
        AppendOptions options = AppendOptions.defaults().withIdempotencyKey(key);
        Change change = Change.put(CodeFile.of(key + ".txt", key));
        for (int attempt = 1; ; attempt++) {
            try {
                store.append(id, change, options);
                return;
            } catch (GaplessException e) {
                if (attempt >= 200) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
