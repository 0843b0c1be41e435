package dev.gapless.benchmarks;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What the many-chat benchmarks share: a database, a {@code row-lock} store, the executor design under test, fresh
 * {@code add_code_file} calls, and a record of what each chat was told, checked against its artifact at the end.
 *
 * <p>Designs: {@code shared-fair}, one {@link ToolExecutor} for every chat (its round-robin worker pool);
 * {@code executor-per-chat}, the baseline, one executor (with its own pool) per chat, as before the executor served
 * many chats.
 */
final class ChatLoad implements AutoCloseable {

    static final String SHARED = "shared-fair";
    static final String PER_CHAT = "executor-per-chat";

    private final BenchDatabase database;
    private final ArtifactStore store;
    private final String design;
    private final int workers;
    private final ToolExecutor shared;
    private final Map<String, ToolExecutor> perChat = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> added = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param prefix  the database name prefix
     * @param design  {@link #SHARED} or {@link #PER_CHAT}
     * @param workers worker threads of the shared executor and of each per-chat one
     * @param writers connections the database pool gets (plus two spare)
     */
    ChatLoad(String prefix, String design, int workers, int writers) {
        if (!design.equals(SHARED) && !design.equals(PER_CHAT)) {
            throw new IllegalArgumentException("design must be " + SHARED + " or " + PER_CHAT + ", was " + design);
        }
        this.database = BenchDatabase.create(prefix, writers);
        this.store = ArtifactStore.builder(database.dataSource()).strategy(WriteStrategy.rowLock()).build();
        this.design = design;
        this.workers = workers;
        this.shared = design.equals(SHARED) ? ToolExecutor.builder(store).maxParallelism(workers).build() : null;
    }

    /** @return {@code count} new {@code add_code_file} calls, each adding its own file */
    List<ToolCall> adds(int count) {
        List<ToolCall> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long n = calls.incrementAndGet();
            list.add(new ToolCall("call_" + n, "add_code_file", "{\"filename\":\"f" + n + ".txt\",\"language\":\"text\","
                    + "\"content\":\"file " + n + "\"}"));
        }
        return list;
    }

    /** Runs one assistant message's calls for a chat through the design under test, and records the outcome. */
    List<ToolResult> execute(String chat, List<ToolCall> batch) {
        ToolExecutor executor = shared != null ? shared : perChat.computeIfAbsent(chat,
                c -> ToolExecutor.builder(store, c).maxParallelism(workers).build());
        List<ToolResult> results = executor.execute(chat, batch);
        Set<String> files = added.computeIfAbsent(chat, c -> ConcurrentHashMap.newKeySet());
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).error()) {
                failed.computeIfAbsent(chat, c -> new AtomicInteger()).incrementAndGet();
            } else {
                files.add("f" + batch.get(i).id().substring("call_".length()) + ".txt");
            }
        }
        return results;
    }

    /** Checks every chat's artifact (each success is a file in it, versions have no gap), then drops everything. */
    void check(BenchmarkParams params) {
        try {
            Checks checks = new Checks(params, design);
            for (Map.Entry<String, Set<String>> chat : added.entrySet()) {
                AtomicInteger f = failed.get(chat.getKey());
                checks.chat(store, chat.getKey(), chat.getValue(), f == null ? 0 : f.get());
            }
            checks.finish();
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
        perChat.values().forEach(ToolExecutor::close);
        database.close();
    }
}
