package dev.gapless.chaos;

import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.GaplessException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rounds of {@code racers} threads released at once to get-or-create the same new artifact (a new chat each round),
 * until closed. Every call must succeed and every racer of a round must get the same artifact.
 */
final class GetOrCreateRacer implements AutoCloseable {

    private final ArtifactStore store;
    private final int racers;
    private final ExecutorService pool;
    private final Thread thread;
    private final AtomicInteger rounds = new AtomicInteger();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final List<String> disagreements = new CopyOnWriteArrayList<>();
    private volatile boolean stop;

    GetOrCreateRacer(ArtifactStore store, int racers) {
        this.store = store;
        this.racers = racers;
        this.pool = Executors.newFixedThreadPool(racers);
        this.thread = new Thread(this::loop, "get-or-create-racer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int rounds() {
        return rounds.get();
    }

    /** Failed calls by error class. */
    Map<String, Integer> failures() {
        Map<String, Integer> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    List<String> disagreements() {
        return List.copyOf(disagreements);
    }

    private void loop() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        while (!stop) {
            String chat = "racer-" + run + "-" + rounds.get();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<UUID>> calls = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    Artifact a = store.getOrCreate(chat, "code", "raced");
                    return a.id();
                }));
            }
            go.countDown();
            Set<UUID> ids = new HashSet<>();
            for (Future<UUID> call : calls) {
                try {
                    ids.add(call.get(30, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    String name = cause instanceof GaplessException g ? Outcome.errorClass(g)
                            : cause.getClass().getSimpleName();
                    failures.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    failures.computeIfAbsent("Timeout", k -> new AtomicInteger()).incrementAndGet();
                }
            }
            if (ids.size() > 1) {
                disagreements.add(chat + ": " + ids);
            }
            rounds.incrementAndGet();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(60_000);
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
