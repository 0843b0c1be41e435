package dev.gapless.executor;

import dev.gapless.core.AppendOptions;
import dev.gapless.core.AppendResult;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.Snapshot;
import dev.gapless.core.Version;
import dev.gapless.core.strategy.WriteStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;

/**
 * One run of the race: N writers, all released at the same instant, each appending one file to the same fresh
 * artifact with its own tool-call id as idempotency key, exactly as N parallel {@code add_code_file} calls would.
 *
 * <p>Stateless; {@link #run} may be called from any thread, but concurrent runs on one database compete for it.
 */
public final class Race {

    private Race() {
    }

    /**
     * Runs the race once and reads the final snapshot.
     *
     * @param dataSource a database with the schema applied, able to hand out at least {@code files.size()}
     *                   connections at once (one per writer, so writers queue on the strategy and not in the pool)
     * @param strategy   the strategy under test; a fresh instance is best
     * @param files      the files to add, with distinct names
     * @return what the run produced
     * @throws dev.gapless.core.GaplessException if the artifact cannot be created or read back
     * @throws InterruptedException              if interrupted while waiting for the writers
     */
    public static RaceRun run(DataSource dataSource, WriteStrategy strategy, List<CodeFile> files)
            throws InterruptedException {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(strategy, "strategy");
        List<CodeFile> announced = List.copyOf(files);
        if (announced.isEmpty()) {
            throw new IllegalArgumentException("a race needs at least one file");
        }
        ArtifactStore store = ArtifactStore.builder(dataSource).strategy(strategy).build();
        String chatId = "race-" + UUID.randomUUID();
        Artifact artifact = store.getOrCreate(chatId, "code", "Blink (" + announced.size() + " files)");

        int n = announced.size();
        long[] latencies = new long[n];
        long[] ends = new long[n];
        Object[] outcomes = new Object[n];
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            // Built on this thread; a writer only hands plain data to the store.
            Change change = Change.put(announced.get(i));
            AppendOptions options = AppendOptions.defaults().withIdempotencyKey(toolCallId(chatId, i));
            Thread writer = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    outcomes[index] = e;
                    return;
                }
                long start = System.nanoTime();
                Object outcome;
                try {
                    outcome = store.append(artifact.id(), change, options);
                } catch (RuntimeException e) {
                    outcome = e;
                }
                long end = System.nanoTime();
                latencies[index] = end - start;
                ends[index] = end;
                outcomes[index] = outcome;
            }, "race-writer-" + i);
            writer.setDaemon(true);
            writers.add(writer);
        }
        writers.forEach(Thread::start);
        ready.await();
        long released = System.nanoTime();
        go.countDown();
        for (Thread writer : writers) {
            writer.join();
        }

        List<RuntimeException> failures = new ArrayList<>();
        int retries = 0;
        long lastEnd = released;
        for (int i = 0; i < n; i++) {
            lastEnd = Math.max(lastEnd, ends[i]);
            if (outcomes[i] instanceof AppendResult result) {
                retries += result.retries();
            } else if (outcomes[i] instanceof RetriesExhaustedException exhausted) {
                retries += exhausted.attempts() - 1;
                failures.add(exhausted);
            } else if (outcomes[i] instanceof RuntimeException failure) {
                failures.add(failure);
            } else {
                throw new InterruptedException("race writer " + i + " was interrupted before it wrote");
            }
        }

        Optional<Version> head = store.latest(artifact.id());
        Snapshot last = head.map(Version::snapshot).orElse(Snapshot.empty());
        int versions = head.map(Version::number).orElse(0);
        int created = (int) announced.stream().map(CodeFile::filename).filter(last::contains).count();
        return new RaceRun(strategy.name(), n, created, versions, retries, failures, latencies, lastEnd - released);
    }

    private static String toolCallId(String chatId, int index) {
        return "call_" + chatId.substring(chatId.length() - 12) + "_" + index;
    }
}
