package dev.gapless.micrometer;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import dev.gapless.core.AppendResult;
import dev.gapless.core.GaplessException;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolCallListener;
import dev.gapless.executor.ToolExecutor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters for a Gapless store and its tool executors. It is at once the store's {@link AppendListener}, the
 * executors' {@link ToolCallListener} and a {@link MeterBinder}; core and executor know nothing of Micrometer.
 *
 * <pre>{@code
 * GaplessMetrics metrics = GaplessMetrics.create(WriteStrategy.rowLock());
 * ArtifactStore store = ArtifactStore.builder(dataSource).strategy(WriteStrategy.rowLock()).listener(metrics).build();
 * ToolExecutor executor = ToolExecutor.builder(store).listener(metrics).build();
 * metrics.monitor(executor);
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <p>Meters (those of appends tagged {@code strategy}):
 * <ul>
 *   <li>{@code gapless.append} (timer): latency of appends that landed, from their first attempt, tagged
 *       {@code outcome} {@code applied} or {@code deduplicated};</li>
 *   <li>{@code gapless.append.failures} (counter): appends that gave up, tagged {@code outcome} (core's
 *       {@code not_applied} or {@code unknown}) and {@code cause} (the exception);</li>
 *   <li>{@code gapless.append.conflicts} (counter): attempts that lost a race, tagged {@code sqlstate} and
 *       {@code constraint};</li>
 *   <li>{@code gapless.append.retries} (counter): retries scheduled, tagged {@code cause};</li>
 *   <li>{@code gapless.appends.in_flight} (gauge): appends started and not yet settled;</li>
 *   <li>{@code gapless.group_commit.batch.size} (distribution summary): appends written per group-commit batch (only
 *       for {@code group-commit}, from the batch's {@link AppendEvent.BatchFormed} event);</li>
 *   <li>{@code gapless.executor.queued} and {@code gapless.executor.chats.waiting} (gauges, per monitored executor):
 *       calls waiting for a worker, and the chats they belong to;</li>
 *   <li>{@code gapless.executor.chat.queue.depth} (distribution summary): a chat's queue length whenever one of its
 *       calls is queued, so a chat that bursts shows without a tag per chat;</li>
 *   <li>{@code gen_ai.execute_tool.duration} (timer, the OpenTelemetry GenAI name): tool calls, tagged
 *       {@code gen_ai.tool.name} and {@code error.type} ({@code _OTHER} for a failed call, {@code none}
 *       otherwise).</li>
 * </ul>
 * Events before {@link #bindTo} are not counted. Thread-safe.
 */
public final class GaplessMetrics implements MeterBinder, AppendListener, ToolCallListener {

    private final String strategy;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<ToolExecutor> executors = new CopyOnWriteArrayList<>();
    private volatile MeterRegistry registry;
    private volatile DistributionSummary batchSizes;
    private volatile DistributionSummary chatQueueDepth;

    private GaplessMetrics(String strategy) {
        this.strategy = strategy;
    }

    /**
     * Metrics for a store that uses the given strategy (its name tags every meter).
     *
     * @param strategy the store's write strategy
     * @return the metrics; register them as the store's and the executors' listener
     * @throws NullPointerException if {@code strategy} is {@code null}
     */
    public static GaplessMetrics create(WriteStrategy strategy) {
        return new GaplessMetrics(Objects.requireNonNull(strategy, "strategy").name());
    }

    /**
     * Adds gauges of an executor's queue ({@code gapless.executor.queued}, {@code gapless.executor.chats.waiting}),
     * tagged {@code executor} with its position (0, 1, …) among the monitored executors.
     *
     * @param executor the executor
     * @return this
     */
    public GaplessMetrics monitor(ToolExecutor executor) {
        executors.add(Objects.requireNonNull(executor, "executor"));
        MeterRegistry bound = registry;
        if (bound != null) {
            gauges(bound, executor, executors.size() - 1);
        }
        return this;
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        Tags tags = Tags.of("strategy", strategy);
        Gauge.builder("gapless.appends.in_flight", inFlight, AtomicInteger::get).tags(tags)
                .description("Appends started and not yet settled").register(meterRegistry);
        batchSizes = DistributionSummary.builder("gapless.group_commit.batch.size").tags(tags)
                .description("Appends written together by one group-commit batch").register(meterRegistry);
        chatQueueDepth = DistributionSummary.builder("gapless.executor.chat.queue.depth")
                .description("A chat's calls waiting for a worker, seen when one more is queued")
                .register(meterRegistry);
        for (int i = 0; i < executors.size(); i++) {
            gauges(meterRegistry, executors.get(i), i);
        }
        this.registry = meterRegistry;
    }

    private static void gauges(MeterRegistry registry, ToolExecutor executor, int index) {
        Tags tags = Tags.of("executor", Integer.toString(index));
        Gauge.builder("gapless.executor.queued", executor, ToolExecutor::queuedCalls).tags(tags)
                .description("Tool calls waiting for a worker").register(registry);
        Gauge.builder("gapless.executor.chats.waiting", executor, ToolExecutor::waitingChats).tags(tags)
                .description("Chats with tool calls waiting for a worker").register(registry);
    }

    // ---- AppendListener

    @Override
    public void onBatch(AppendEvent.BatchFormed event) {
        DistributionSummary sizes = batchSizes;
        if (sizes != null) {
            sizes.record(event.batchSize());
        }
    }

    @Override
    public void onAttempt(AppendEvent.Attempt event) {
        if (event.attempt() == 1) {
            inFlight.incrementAndGet();
        }
    }

    @Override
    public void onConflict(AppendEvent.Conflict event) {
        MeterRegistry r = registry;
        if (r != null) {
            Counter.builder("gapless.append.conflicts").tags("strategy", strategy, "sqlstate",
                    String.valueOf(event.sqlState()), "constraint",
                    event.constraint() == null ? "none" : event.constraint())
                    .description("Attempts that lost a race to another writer").register(r).increment();
        }
    }

    @Override
    public void onRetryScheduled(AppendEvent.RetryScheduled event) {
        MeterRegistry r = registry;
        if (r != null) {
            Counter.builder("gapless.append.retries").tags("strategy", strategy, "cause", cause(event.failure()))
                    .description("Retries scheduled after a failed attempt").register(r).increment();
        }
    }

    @Override
    public void onSuccess(AppendEvent.Succeeded event) {
        inFlight.decrementAndGet();
        MeterRegistry r = registry;
        if (r != null) {
            AppendResult result = event.result();
            Timer.builder("gapless.append").tags("strategy", strategy, "outcome",
                    result.deduplicated() ? "deduplicated" : "applied")
                    .description("Appends that landed, from their first attempt").register(r)
                    .record(result.elapsed());
        }
    }

    @Override
    public void onGiveUp(AppendEvent.GaveUp event) {
        if (event.attempt() > 0) {
            inFlight.decrementAndGet();
        }
        MeterRegistry r = registry;
        if (r != null) {
            GaplessException failure = event.failure();
            Counter.builder("gapless.append.failures").tags("strategy", strategy, "outcome",
                    failure.outcome().name().toLowerCase(Locale.ROOT), "cause", cause(failure))
                    .description("Appends that gave up").register(r).increment();
        }
    }

    private static String cause(GaplessException failure) {
        return failure == null ? "none" : failure.getClass().getSimpleName();
    }

    // ---- ToolCallListener

    @Override
    public void queued(String chatId, ToolCall call, int chatQueued) {
        DistributionSummary depth = chatQueueDepth;
        if (depth != null) {
            depth.record(chatQueued);
        }
    }

    @Override
    public Completion started(String chatId, ToolCall call) {
        MeterRegistry r = registry;
        if (r == null) {
            return Completion.NONE;
        }
        return (result, nanos) -> Timer.builder("gen_ai.execute_tool.duration")
                .tags("gen_ai.tool.name", String.valueOf(result.name()),
                        "error.type", result.error() ? "_OTHER" : "none")
                .description("Tool calls, from the start of their run").register(r)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
