package dev.gapless.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendResult;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.core.WriteConflictException;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GaplessMetricsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    private static List<ToolCall> adds(String prefix, int n) {
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(new ToolCall(prefix + i, "add_code_file", "{\"filename\":\"f" + i + ".txt\","
                    + "\"language\":\"text\",\"content\":\"" + i + "\"}"));
        }
        return calls;
    }

    @Test
    void appendsAndToolCallsAreMeteredByStrategyOutcomeAndTool() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GaplessMetrics metrics = GaplessMetrics.create(WriteStrategy.rowLock());
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.rowLock())
                .listener(metrics).build();
        String chat = "metrics-" + UUID.randomUUID();
        try (ToolExecutor executor = ToolExecutor.builder(store).listener(metrics).build()) {
            metrics.monitor(executor).bindTo(registry);
            List<ToolCall> calls = adds("m", 8);
            assertThat(executor.execute(chat, calls)).noneMatch(ToolResult::error);
            assertThat(executor.execute(chat, calls)).noneMatch(ToolResult::error);
            assertThat(executor.execute(chat, new ToolCall("bad", "add_code_file", "{\"filename\":7}")).error())
                    .isTrue();
        }
        assertThat(registry.get("gapless.append").tags("strategy", "row-lock", "outcome", "applied").timer().count())
                .isEqualTo(8);
        assertThat(registry.get("gapless.append").tags("outcome", "deduplicated").timer().count()).isEqualTo(8);
        assertThat(registry.get("gapless.appends.in_flight").gauge().value()).isZero();
        assertThat(registry.get("gen_ai.execute_tool.duration").tags("gen_ai.tool.name", "add_code_file",
                "error.type", "none").timer().count()).isEqualTo(16);
        assertThat(registry.get("gen_ai.execute_tool.duration").tags("error.type", "_OTHER").timer().count())
                .isEqualTo(1);
        DistributionSummary depth = registry.get("gapless.executor.chat.queue.depth").summary();
        assertThat(depth.count()).isEqualTo(17);
        assertThat(depth.max()).isBetween(1.0, 8.0);
        assertThat(registry.get("gapless.executor.queued").tags("executor", "0").gauge().value()).isZero();
        assertThat(Recorded.versions(store, chat)).isEqualTo(8);
    }

    @Test
    void groupCommitBatchSizesAddUpToTheAppendsWritten() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GaplessMetrics metrics = GaplessMetrics.create(WriteStrategy.groupCommit());
        metrics.bindTo(registry);
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.groupCommit())
                .listener(metrics).build();
        String chat = "batches-" + UUID.randomUUID();
        try (ToolExecutor executor = ToolExecutor.builder(store).maxParallelism(16).build()) {
            assertThat(executor.execute(chat, adds("g", 32))).noneMatch(ToolResult::error);
        }
        DistributionSummary batches = registry.get("gapless.group_commit.batch.size")
                .tags("strategy", "group-commit").summary();
        // each append is in exactly one batch, which says once that it formed
        assertThat(batches.totalAmount()).isEqualTo(32);
        assertThat(batches.count()).isBetween(1L, 32L);
        assertThat(registry.get("gapless.append").tags("strategy", "group-commit").timer().count()).isEqualTo(32);
        assertThat(Recorded.versions(store, chat)).isEqualTo(32);
    }

    @Test
    void conflictsRetriesAndFailuresAreCountedByCause() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GaplessMetrics metrics = GaplessMetrics.create(WriteStrategy.optimistic());
        metrics.bindTo(registry);
        UUID artifact = UUID.randomUUID();
        WriteConflictException conflict = new WriteConflictException("lost the race", "40001", null, null);

        metrics.onEvent(new AppendEvent.Attempt(artifact, "call_1", 1, 1));
        metrics.onEvent(new AppendEvent.Conflict(artifact, "call_1", 1, 1, "23505",
                "artifact_versions_artifact_id_version_number_key"));
        metrics.onEvent(new AppendEvent.RetryScheduled(artifact, "call_1", 1, 1, Duration.ofMillis(3), conflict));
        metrics.onEvent(new AppendEvent.Attempt(artifact, "call_1", 2, 1));
        metrics.onEvent(new AppendEvent.Conflict(artifact, "call_1", 2, 1, "40001", null));
        metrics.onEvent(new AppendEvent.GaveUp(artifact, "call_1", 2, 1, conflict));
        metrics.onEvent(new AppendEvent.Attempt(artifact, null, 1, 1));
        metrics.onEvent(new AppendEvent.Succeeded(null, 1, 1,
                new AppendResult(artifact, 1, "Added a", 1, Duration.ofMillis(5), false)));

        assertThat(registry.get("gapless.append.conflicts").tags("strategy", "optimistic", "sqlstate", "23505",
                "constraint", "artifact_versions_artifact_id_version_number_key").counter().count()).isEqualTo(1);
        assertThat(registry.get("gapless.append.conflicts").tags("sqlstate", "40001", "constraint", "none")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("gapless.append.retries").tags("cause", "WriteConflictException").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("gapless.append.failures").tags("cause", "WriteConflictException",
                "outcome", "not_applied").counter().count()).isEqualTo(1);
        assertThat(registry.get("gapless.append").tags("outcome", "applied").timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5.0);
        assertThat(registry.get("gapless.appends.in_flight").gauge().value()).isZero();
        assertThat(registry.find("gapless.group_commit.batch.size").summary().count()).isZero();
    }
}
