package dev.gapless.core;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs appends from one thread each, all released at the same instant. Inputs are plain data prepared on the test
 * thread; the outcome of each append (result or failure) is returned in input order.
 */
final class ConcurrentAppends {

    /** The outcome of one append: exactly one of result and failure is set. */
    record Outcome(Change change, String key, AppendResult result, Throwable failure) {
        boolean succeeded() {
            return result != null;
        }
    }

    private ConcurrentAppends() {
    }

    static List<Outcome> run(ArtifactStore store, UUID artifactId, List<? extends Change> changes,
                             List<String> keys) {
        int n = changes.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Outcome>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Change change = changes.get(i);
                String key = keys == null ? null : keys.get(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    AppendOptions options = key == null
                            ? AppendOptions.defaults() : AppendOptions.defaults().withIdempotencyKey(key);
                    try {
                        return new Outcome(change, key, store.append(artifactId, change, options), null);
                    } catch (RuntimeException e) {
                        return new Outcome(change, key, null, e);
                    }
                }));
            }
            ready.await();
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>(n);
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get(120, TimeUnit.SECONDS));
            }
            return outcomes;
        } catch (Exception e) {
            throw new AssertionError("concurrent appends did not complete", e);
        } finally {
            pool.shutdownNow();
        }
    }

    static List<Outcome> puts(ArtifactStore store, UUID artifactId, List<CodeFile> files) {
        List<Change> changes = files.stream().map(Change::put).toList();
        List<String> keys = files.stream().map(f -> "call_" + f.filename()).toList();
        return run(store, artifactId, changes, keys);
    }
}
