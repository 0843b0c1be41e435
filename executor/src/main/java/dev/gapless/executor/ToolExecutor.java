package dev.gapless.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.ArtifactStore;
import dev.gapless.executor.internal.Json;
import dev.gapless.executor.internal.ToolHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Executes a model's tool calls against one chat's code artifact. Calls run concurrently (bounded); writes to the
 * artifact are ordered by the store's write strategy; every call gets exactly one {@link ToolResult}, matched by
 * id, in request order. The tool-call id is the idempotency key of the write, so executing the same model response
 * twice adds nothing.
 *
 * <p>Nothing a call does escapes as an exception: unknown tools, malformed or invalid arguments, oversized input,
 * timeouts and storage failures all come back as error results with a clear, safe message (no stack trace, no
 * SQL), and a failed call writes nothing. Thread-safe; close it to stop its worker threads.
 *
 * <pre>{@code
 * try (ToolExecutor executor = ToolExecutor.builder(store, chatId).build()) {
 *     List<ToolResult> results = executor.execute(OpenAiFormat.parse(response));
 * }
 * }</pre>
 */
public final class ToolExecutor implements AutoCloseable {

    /** The type of the artifact the tools work on, one per chat. */
    public static final String ARTIFACT_TYPE = "code";

    /** The longest {@link Builder#callTimeout} accepted: one day. */
    public static final Duration MAX_CALL_TIMEOUT = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(ToolExecutor.class);
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final String chatId;
    private final ToolCatalog catalog;
    private final ToolHandlers handlers;
    private final Duration callTimeout;
    private final int maxArgumentBytes;
    private final ObjectMapper argumentMapper;
    private final int maxJsonDepth;
    private final ExecutorService workers;

    private ToolExecutor(Builder b) {
        this.chatId = b.chatId;
        this.catalog = ToolCatalog.standard();
        this.handlers = new ToolHandlers(b.store, b.chatId, ARTIFACT_TYPE, b.title);
        this.callTimeout = b.callTimeout;
        this.maxArgumentBytes = b.maxArgumentBytes;
        this.maxJsonDepth = b.maxJsonDepth;
        this.argumentMapper = Json.bounded(b.maxJsonDepth);
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "gapless-tools-" + pool + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newFixedThreadPool(b.maxParallelism, factory);
    }

    /**
     * Starts configuring an executor for one chat.
     *
     * @param store  where the chat's artifact lives
     * @param chatId the chat; its code artifact is created on first use
     * @return a builder (not thread-safe)
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     */
    public static Builder builder(ArtifactStore store, String chatId) {
        return new Builder(store, chatId);
    }

    /** @return the tools this executor offers */
    public ToolCatalog catalog() {
        return catalog;
    }

    /** @return the chat this executor works for */
    public String chatId() {
        return chatId;
    }

    /** @return the most one {@link #execute} may take for any call, as set by {@link Builder#callTimeout} */
    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * Executes one call. See {@link #execute(List)}.
     *
     * @param call the call
     * @return its result, never {@code null}
     */
    public ToolResult execute(ToolCall call) {
        return execute(List.of(call)).get(0);
    }

    /**
     * Executes calls concurrently and returns one result per call, in the order of {@code calls}.
     *
     * @param calls the calls, e.g. from {@link dev.gapless.executor.format.OpenAiFormat#parse}
     * @return the results, one per call, same order; failures are error results, never exceptions
     * @throws NullPointerException if {@code calls} is {@code null}
     */
    public List<ToolResult> execute(List<ToolCall> calls) {
        Objects.requireNonNull(calls, "calls");
        long deadline = System.nanoTime() + callTimeout.toNanos();
        List<Future<ToolResult>> futures = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            futures.add(workers.submit(() -> run(call, deadline)));
        }
        List<ToolResult> results = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            results.add(await(calls.get(i), futures.get(i), deadline));
        }
        return results;
    }

    private ToolResult await(ToolCall call, Future<ToolResult> future, long deadline) {
        long waitNanos = deadline - System.nanoTime() + GRACE.toNanos();
        try {
            return future.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the store's own deadline should have ended the call by now; it is still running and may yet commit
            future.cancel(true);
            return error(call, "did not finish within " + callTimeout.toMillis() + " ms; whether the change was"
                    + " applied is unknown. Retry with the same tool call id: it is never applied twice.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return error(call, "interrupted before it finished; whether the change was applied is unknown. Retry"
                    + " with the same tool call id: it is never applied twice.");
        } catch (ExecutionException e) {
            LOG.error("tool call {} failed unexpectedly", call == null ? null : call.id(), e.getCause());
            return error(call, "internal error; whether the change was applied is unknown. Retry with the same tool"
                    + " call id: it is never applied twice.");
        }
    }

    private ToolResult run(ToolCall call, long deadline) {
        String id = call == null ? null : call.id();
        MDC.put("chat_id", chatId);
        MDC.put("tool_call_id", String.valueOf(id));
        try {
            ToolResult result = runChecked(call, deadline);
            if (result.error()) {
                LOG.info("tool {} failed: {}", result.name(), result.content());
            } else {
                LOG.debug("tool {} done: {}", result.name(), result.content());
            }
            return result;
        } catch (RuntimeException | Error e) {
            LOG.error("tool call failed unexpectedly", e);
            return error(call, "internal error; whether the change was applied is unknown. Retry with the same tool"
                    + " call id: it is never applied twice.");
        } finally {
            MDC.remove("chat_id");
            MDC.remove("tool_call_id");
        }
    }

    private ToolResult runChecked(ToolCall call, long deadline) {
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
        List<String> problems = catalog.validate(call.name(), arguments);
        if (!problems.isEmpty()) {
            return error(call, "invalid arguments for " + call.name() + ": " + String.join("; ", problems) + ".");
        }
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return error(call, "timed out after " + callTimeout.toMillis() + " ms before it started; nothing was"
                    + " written. Retrying with the same tool call id is safe.");
        }
        return handlers.handle(call, arguments, left);
    }

    private static ToolResult error(ToolCall call, String message) {
        return ToolHandlers.error(call == null ? null : call.id(), call == null ? null : call.name(), message);
    }

    /** Stops the worker threads; calls in flight finish. */
    @Override
    public void close() {
        workers.shutdown();
    }

    /** Configures a {@link ToolExecutor}. Not thread-safe. */
    public static final class Builder {

        private final ArtifactStore store;
        private final String chatId;
        private String title = "Code";
        private int maxParallelism = 16;
        private Duration callTimeout = Duration.ofSeconds(30);
        private int maxArgumentBytes = 4 << 20;
        private int maxJsonDepth = 16;

        private Builder(ArtifactStore store, String chatId) {
            this.store = Objects.requireNonNull(store, "store");
            this.chatId = Objects.requireNonNull(chatId, "chatId");
            if (chatId.isBlank()) {
                throw new IllegalArgumentException("chatId must not be blank");
            }
        }

        /**
         * How many calls run at once; default 16. Give the store's pool at least this many connections.
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder maxParallelism(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxParallelism must be >= 1, was " + n);
            }
            this.maxParallelism = n;
            return this;
        }

        /**
         * The most one {@link #execute} may take for any call, queueing included; default 30 s. A write that cannot
         * finish in time is rolled back and reported as timed out.
         *
         * @param timeout a positive duration, at most {@link #MAX_CALL_TIMEOUT}
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive or over {@link #MAX_CALL_TIMEOUT}
         */
        public Builder callTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_CALL_TIMEOUT) > 0) {
                throw new IllegalArgumentException("callTimeout must be positive and at most " + MAX_CALL_TIMEOUT
                        + ", was " + timeout);
            }
            this.callTimeout = timeout;
            return this;
        }

        /**
         * The largest arguments accepted, in UTF-8 bytes of JSON text, checked before parsing; default 4 MiB.
         *
         * @param bytes a positive limit
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is not positive
         */
        public Builder maxArgumentBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxArgumentBytes must be positive, was " + bytes);
            }
            this.maxArgumentBytes = bytes;
            return this;
        }

        /**
         * The deepest nesting of arrays and objects accepted in arguments, enforced while parsing; default 16.
         *
         * @param depth at least 2
         * @return this builder
         * @throws IllegalArgumentException if {@code depth} is less than 2
         */
        public Builder maxJsonDepth(int depth) {
            if (depth < 2) {
                throw new IllegalArgumentException("maxJsonDepth must be >= 2, was " + depth);
            }
            this.maxJsonDepth = depth;
            return this;
        }

        /**
         * The title the chat's artifact gets when created; default {@code Code}.
         *
         * @param title the title
         * @return this builder
         */
        public Builder artifactTitle(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        /**
         * Builds the executor.
         *
         * @return the executor
         */
        public ToolExecutor build() {
            return new ToolExecutor(this);
        }
    }
}
