package dev.gapless.micrometer;

import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolCallListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * OpenTelemetry spans for tool calls, following the GenAI semantic conventions: one span {@code execute_tool {name}}
 * (kind {@code INTERNAL}) per call with {@code gen_ai.operation.name = execute_tool}, {@code gen_ai.tool.name},
 * {@code gen_ai.tool.call.id}, {@code gen_ai.tool.type = function} and {@code gen_ai.conversation.id} (the chat); a
 * failed call ends with status {@code ERROR} and {@code error.type}. The span's parent is the context that was current
 * when the calls were handed to the executor (the agent loop's span), although the call runs on a worker thread,
 * where the span is current while it runs.
 *
 * <pre>{@code
 * ToolExecutor executor = ToolExecutor.builder(store)
 *         .listener(ToolCallListener.all(metrics, GaplessTracing.create(openTelemetry)))
 *         .build();
 * }</pre>
 *
 * Needs {@code io.opentelemetry:opentelemetry-api} (an optional dependency of this module). Thread-safe.
 */
public final class GaplessTracing implements ToolCallListener {

    private static final String INSTRUMENTATION = "dev.gapless";
    /** Queued calls whose caller's context waits for the worker that starts them; bounded against dropped calls. */
    private static final int MAX_WAITING = 100_000;

    private final Tracer tracer;
    private final Map<ToolCall, Context> parents = Collections.synchronizedMap(new IdentityHashMap<>());

    private GaplessTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Tracing through the given OpenTelemetry instance.
     *
     * @param openTelemetry the OpenTelemetry API entry point (e.g. {@code GlobalOpenTelemetry.get()})
     * @return the listener
     * @throws NullPointerException if {@code openTelemetry} is {@code null}
     */
    public static GaplessTracing create(OpenTelemetry openTelemetry) {
        return new GaplessTracing(Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(INSTRUMENTATION));
    }

    @Override
    public void queued(String chatId, ToolCall call, int chatQueued) {
        if (parents.size() < MAX_WAITING) {
            parents.put(call, Context.current());
        }
    }

    @Override
    public Completion started(String chatId, ToolCall call) {
        Context parent = parents.remove(call);
        String name = call == null ? null : call.name();
        Span span = tracer.spanBuilder("execute_tool " + name)
                .setParent(parent == null ? Context.current() : parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("gen_ai.operation.name", "execute_tool")
                .setAttribute("gen_ai.tool.name", String.valueOf(name))
                .setAttribute("gen_ai.tool.call.id", String.valueOf(call == null ? null : call.id()))
                .setAttribute("gen_ai.tool.type", "function")
                .setAttribute("gen_ai.conversation.id", chatId)
                .startSpan();
        Scope scope = span.makeCurrent();
        return (result, nanos) -> {
            try {
                if (result.error()) {
                    span.setStatus(StatusCode.ERROR);
                    span.setAttribute("error.type", "_OTHER");
                }
            } finally {
                scope.close();
                span.end();
            }
        };
    }
}
