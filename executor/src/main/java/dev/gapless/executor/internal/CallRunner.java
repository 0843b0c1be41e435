package dev.gapless.executor.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.GaplessException;
import dev.gapless.core.Outcome;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolCallListener;
import dev.gapless.executor.ToolCatalog;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.Wording;
import dev.gapless.executor.internal.tools.ChatTools;
import dev.gapless.executor.internal.tools.Refused;
import dev.gapless.executor.internal.tools.ToolRegistry;
import dev.gapless.executor.internal.tools.Turn;
import dev.gapless.executor.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One call, on a worker thread: checks the call and its arguments (size, JSON, schema) before any I/O, hands a valid
 * call to the chat's {@link ChatTools}, and turns anything unexpected into an error result. Thread-safe.
 */
public final class CallRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CallRunner.class);

    private final ToolCatalog catalog;
    private final Duration callTimeout;
    private final int maxArgumentBytes;
    private final int maxJsonDepth;
    private final ObjectMapper argumentMapper;
    private final ToolCallListener listener;

    /**
     * @param catalog          the tools and their schemas
     * @param callTimeout      the executor's per-call budget, for messages
     * @param maxArgumentBytes the largest arguments accepted, in UTF-8 bytes
     * @param maxJsonDepth     the deepest nesting accepted in arguments
     * @param listener         told of each call's start and end
     */
    public CallRunner(ToolCatalog catalog, Duration callTimeout, int maxArgumentBytes, int maxJsonDepth,
            ToolCallListener listener) {
        this.catalog = catalog;
        this.callTimeout = callTimeout;
        this.maxArgumentBytes = maxArgumentBytes;
        this.maxJsonDepth = maxJsonDepth;
        this.argumentMapper = Json.bounded(maxJsonDepth);
        this.listener = listener;
    }

    /**
     * Runs one call on this thread, with the chat and call ids in the MDC and the listener told around it.
     *
     * @param chat     the chat
     * @param handlers the chat's tools
     * @param call     the call, possibly {@code null} or malformed
     * @param deadline the call's deadline, in {@link System#nanoTime()} terms
     * @param turn     the view the call's response was made from
     * @return its result, never {@code null}
     */
    public ToolResult run(String chat, ChatTools handlers, ToolCall call, long deadline, Turn turn) {
        String id = call == null ? null : call.id();
        MDC.put("chat_id", chat);
        MDC.put("tool_call_id", String.valueOf(id));
        long start = System.nanoTime();
        ToolCallListener.Completion completion = started(chat, call);
        ToolResult result;
        try {
            result = runChecked(handlers, call, deadline, turn);
            if (result.error()) {
                LOG.info("tool {} failed: {}", result.name(), result.content());
            } else {
                LOG.debug("tool {} done: {}", result.name(), result.content());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("tool call failed unexpectedly", e);
            result = error(call, Wording.failed("internal error", Outcome.UNKNOWN));
        } finally {
            MDC.remove("chat_id");
            MDC.remove("tool_call_id");
        }
        try {
            completion.finished(result, System.nanoTime() - start);
        } catch (RuntimeException e) {
            LOG.warn("the tool call listener failed", e);
        }
        return result;
    }

    private ToolCallListener.Completion started(String chat, ToolCall call) {
        try {
            ToolCallListener.Completion completion = listener.started(chat, call);
            return completion == null ? ToolCallListener.Completion.NONE : completion;
        } catch (RuntimeException e) {
            LOG.warn("the tool call listener failed", e);
            return ToolCallListener.Completion.NONE;
        }
    }

    private ToolResult runChecked(ChatTools handlers, ToolCall call, long deadline, Turn turn) {
        if (call == null) {
            return error(null, "a tool call is missing");
        }
        if (call.id() == null || call.id().isBlank()) {
            return error(call, "the tool call has no id; an id is needed so that a replay is not applied twice.");
        }
        if (call.name() == null || catalog.find(call.name()).isEmpty()) {
            return error(call, "unknown tool '" + call.name() + "'; known tools: " + catalog.names() + ".");
        }
        String raw = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
        int bytes = raw.length() > maxArgumentBytes / 3 ? raw.getBytes(StandardCharsets.UTF_8).length : 0;
        if (bytes > maxArgumentBytes) {
            return error(call, "arguments are " + bytes + " bytes, over the limit of " + maxArgumentBytes + ".");
        }
        JsonNode arguments;
        try {
            arguments = argumentMapper.readTree(raw);
        } catch (JsonProcessingException e) {
            if (Json.duplicateKey(e).isPresent()) {
                return error(call, "arguments are ambiguous: " + Json.describe(e) + "; give each key once.");
            }
            String why = e.getOriginalMessage() != null && e.getOriginalMessage().contains("nesting depth")
                    ? "nested deeper than " + maxJsonDepth + " levels" : Json.describe(e);
            return error(call, "arguments are not valid JSON: " + why + ".");
        }
        if (arguments == null || arguments.isMissingNode()) {
            arguments = Json.MAPPER.createObjectNode();
        }
        try {
            arguments = ToolRegistry.standard().tool(call.name()).arguments(arguments);
        } catch (Refused e) {
            return error(call, e.getMessage());
        } catch (GaplessException e) {
            return error(call, Wording.of(e));
        }
        List<String> problems = catalog.validate(call.name(), arguments);
        if (!problems.isEmpty()) {
            return error(call, "invalid arguments for " + call.name() + ": " + String.join("; ", problems) + ".");
        }
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return error(call, Wording.failed("timed out after " + callTimeout.toMillis() + " ms before it started",
                    Outcome.NOT_APPLIED) + Wording.RETRY_IS_SAFE);
        }
        return handlers.handle(call, arguments, left, turn);
    }

    /**
     * An error result for a call.
     *
     * @param call    the call, possibly {@code null}
     * @param message the message for the model
     * @return the error result
     */
    public static ToolResult error(ToolCall call, String message) {
        return ChatTools.error(call == null ? null : call.id(), call == null ? null : call.name(), message);
    }
}
