package dev.gapless.cli.race;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.CodeFile;
import dev.gapless.core.GaplessException;
import dev.gapless.core.Snapshot;
import dev.gapless.core.Version;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One run of the race: N parallel {@code add_code_file} tool calls through a {@link ToolExecutor}, all released at
 * the same instant, each adding one file to the same fresh artifact with its own tool-call id. Retries and give-ups
 * are counted by an {@link AppendListener} on the store.
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
        AtomicInteger retries = new AtomicInteger();
        ConcurrentLinkedQueue<GaplessException> gaveUp = new ConcurrentLinkedQueue<>();
        ArtifactStore store = ArtifactStore.builder(dataSource).strategy(strategy).listener(new AppendListener() {
            @Override
            public void onRetryScheduled(AppendEvent.RetryScheduled event) {
                retries.incrementAndGet();
            }

            @Override
            public void onGiveUp(AppendEvent.GaveUp event) {
                gaveUp.add(event.failure());
            }
        }).build();
        String chatId = "race-" + UUID.randomUUID();
        Artifact artifact = store.getOrCreate(chatId, ToolExecutor.ARTIFACT_TYPE,
                "Blink (" + announced.size() + " files)");

        int n = announced.size();
        long[] latencies = new long[n];
        long[] ends = new long[n];
        ToolResult[] outcomes = new ToolResult[n];
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>(n);
        try (ToolExecutor executor = ToolExecutor.builder(store, chatId).maxParallelism(n).build()) {
            for (int i = 0; i < n; i++) {
                int index = i;
                // Built on this thread; a writer only hands plain data to the executor.
                ToolCall call = new ToolCall(toolCallId(chatId, i), "add_code_file", arguments(announced.get(i)));
                Thread writer = new Thread(() -> {
                    ready.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long start = System.nanoTime();
                    ToolResult outcome = executor.execute(call);
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
            return finish(store, artifact, strategy, announced, outcomes, latencies, ends, released, retries.get(),
                    new ArrayList<>(gaveUp));
        }
    }

    private static RaceRun finish(ArtifactStore store, Artifact artifact, WriteStrategy strategy,
                                  List<CodeFile> announced, ToolResult[] outcomes, long[] latencies, long[] ends,
                                  long released, int retries, List<RuntimeException> failures)
            throws InterruptedException {
        int n = announced.size();
        int errors = 0;
        long lastEnd = released;
        for (int i = 0; i < n; i++) {
            if (outcomes[i] == null) {
                throw new InterruptedException("race writer " + i + " was interrupted before it wrote");
            }
            lastEnd = Math.max(lastEnd, ends[i]);
            if (outcomes[i].error()) {
                errors++;
            }
        }
        // every error result should have a give-up behind it; anything else is reported by its message
        for (int i = 0; i < n && failures.size() < errors; i++) {
            if (outcomes[i].error()) {
                failures.add(new IllegalStateException(outcomes[i].content()));
            }
        }
        Optional<Version> head = store.latest(artifact.id());
        Snapshot last = head.map(Version::snapshot).orElse(Snapshot.empty());
        int versions = head.map(Version::number).orElse(0);
        int created = (int) announced.stream().map(CodeFile::filename).filter(last::contains).count();
        return new RaceRun(strategy.name(), n, created, versions, retries, failures, latencies, lastEnd - released);
    }

    private static String arguments(CodeFile file) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("filename", file.filename())
                .put("language", file.language())
                .put("content", file.content())
                .put("description", file.description());
        return Json.write(node);
    }

    private static String toolCallId(String chatId, int index) {
        return "call_" + chatId.substring(chatId.length() - 12) + "_" + index;
    }
}
