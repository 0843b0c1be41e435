package dev.gapless.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolCallListener;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GaplessTracingTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    @Test
    void eachToolCallIsAnExecuteToolSpanUnderTheAgentsSpanWithTheGenAiAttributes() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "traced-" + UUID.randomUUID();
        List<ToolCall> calls = new ArrayList<>(Recorded.openAiCalls("openai-four-files.json"));
        calls.add(new ToolCall("call_bad", "add_code_file", "{\"filename\":\"../x\",\"language\":\"t\","
                + "\"content\":\"x\"}"));
        GaplessMetrics metrics = GaplessMetrics.create(store.strategy());

        Span agentTurn = otel.getTracer("agent").spanBuilder("agent turn").startSpan();
        try (ToolExecutor executor = ToolExecutor.builder(store)
                .listener(ToolCallListener.all(metrics, GaplessTracing.create(otel))).build();
             Scope ignored = agentTurn.makeCurrent()) {
            executor.execute(chat, calls);
        } finally {
            agentTurn.end();
        }

        List<SpanData> tools = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("execute_tool")).toList();
        assertThat(tools).hasSize(5);
        for (SpanData span : tools) {
            assertThat(span.getName()).isEqualTo("execute_tool add_code_file");
            assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
            assertThat(span.getParentSpanId()).isEqualTo(agentTurn.getSpanContext().getSpanId());
            assertThat(span.getTraceId()).isEqualTo(agentTurn.getSpanContext().getTraceId());
            assertThat(attribute(span, "gen_ai.operation.name")).isEqualTo("execute_tool");
            assertThat(attribute(span, "gen_ai.tool.name")).isEqualTo("add_code_file");
            assertThat(attribute(span, "gen_ai.conversation.id")).isEqualTo(chat);
        }
        assertThat(tools).extracting(s -> attribute(s, "gen_ai.tool.call.id"))
                .containsExactlyInAnyOrderElementsOf(calls.stream().map(ToolCall::id).toList());
        SpanData bad = tools.stream().filter(s -> "call_bad".equals(attribute(s, "gen_ai.tool.call.id")))
                .findFirst().orElseThrow();
        assertThat(bad.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attribute(bad, "error.type")).isEqualTo("_OTHER");
        assertThat(tools).filteredOn(s -> s != bad)
                .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
    }
}
