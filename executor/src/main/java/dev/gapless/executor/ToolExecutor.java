package dev.gapless.executor;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Outcome;
import dev.gapless.executor.internal.CallRunner;
import dev.gapless.executor.internal.FairScheduler;
import dev.gapless.executor.internal.tools.ChatTools;
import dev.gapless.executor.internal.tools.Turn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes models' tool calls against each chat's code artifact. One executor serves every chat of a backend: the
 * chat is given with each batch of calls ({@link #execute(String, List)}), and one bounded pool of workers runs the
 * calls of all chats, serving the chats round-robin, so that a chat firing 64 calls at once delays a chat firing one
 * by at most one call per chat ahead of it. Writes to an artifact are ordered by the store's write strategy; every
 * call gets exactly one {@link ToolResult}, matched by id, in request order. The tool-call id is the idempotency key
 * of the write, so executing the same model response twice adds nothing.
 *
 * <p>Nothing a call does escapes as an exception: unknown tools, malformed or invalid arguments, oversized input,
 * timeouts and storage failures all come back as error results with a clear, safe message (no stack trace, no
 * SQL), and a failed call writes nothing unless its message says that whether it did is unknown. Thread-safe;
 * close it to stop its worker threads.
 *
 * <pre>{@code
 * ToolExecutor executor = ToolExecutor.builder(store).maxParallelism(32).build();   // one per application
 * List<ToolResult> results = executor.execute(chatId, OpenAiFormat.parse(response));
 * }</pre>
 *
 * <p>{@link #builder(ArtifactStore, String)} binds a default chat for simple use ({@link #execute(List)}).
 */
public final class ToolExecutor implements AutoCloseable {

    /** The type of the artifact the tools work on, one per chat. */
    public static final String ARTIFACT_TYPE = "code";

    /** The longest agent id accepted by {@link #execute(String, String, List)}, in characters. */
    public static final int MAX_AGENT_ID_LENGTH = 200;

    /** The viewer of calls given without an agent: the chat as a whole. */
    private static final String CHAT_VIEWER = "";

    /** The longest {@link Builder#callTimeout} accepted: one day. */
    public static final Duration MAX_CALL_TIMEOUT = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(ToolExecutor.class);
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** Chats whose artifact id is remembered; past this, the least recently used is forgotten. */
    private static final int REMEMBERED_CHATS = 10_000;

    private final String chatId;
    private final ArtifactStore store;
    private final String title;
    private final ToolCatalog catalog;
    private final Duration callTimeout;
    private final ToolCallListener listener;
    private final CallRunner runner;
    private final FairScheduler workers;
    private final boolean virtualThreads;
    private final Map<String, ChatTools> handlers = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChatTools> eldest) {
            return size() > REMEMBERED_CHATS;
        }
    };

    private ToolExecutor(Builder b) {
        this.chatId = b.chatId;
        this.store = b.store;
        this.title = b.title;
        this.catalog = ToolCatalog.standard();
        this.callTimeout = b.callTimeout;
        this.listener = b.listener;
        this.runner = new CallRunner(catalog, b.callTimeout, b.maxArgumentBytes, b.maxJsonDepth, b.listener);
        this.virtualThreads = b.virtualThreads;
        this.workers = new FairScheduler(b.maxParallelism, "gapless-tools", b.virtualThreads);
    }

    /**
     * Starts configuring an executor for many chats.
     *
     * @param store where the chats' artifacts live
     * @return a builder (not thread-safe)
     * @throws NullPointerException if {@code store} is {@code null}
     */
    public static Builder builder(ArtifactStore store) {
        return new Builder(store, null);
    }

    /**
     * Starts configuring an executor with a default chat, for {@link #execute(List)} and {@link #execute(ToolCall)};
     * {@link #execute(String, List)} still serves any chat.
     *
     * @param store  where the chats' artifacts live
     * @param chatId the default chat; its code artifact is created on first use
     * @return a builder (not thread-safe)
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     */
    public static Builder builder(ArtifactStore store, String chatId) {
        return new Builder(store, Objects.requireNonNull(chatId, "chatId"));
    }

    /** {@return the store this executor writes to} */
    public ArtifactStore store() {
        return store;
    }

    /** {@return the tools this executor offers} */
    public ToolCatalog catalog() {
        return catalog;
    }

    /** {@return the default chat given to {@link #builder(ArtifactStore, String)}, if any} */
    public Optional<String> defaultChat() {
        return Optional.ofNullable(chatId);
    }

    /**
     * {@return the default chat given to {@link #builder(ArtifactStore, String)}}
     *
     * @throws IllegalStateException if the executor has none
     */
    public String chatId() {
        if (chatId == null) {
            throw new IllegalStateException("this executor has no default chat; give the chat with each call"
                    + " (execute(chatId, calls)) or build it with builder(store, chatId)");
        }
        return chatId;
    }

    /** {@return the most one {@link #execute} may take for any call, as set by {@link Builder#callTimeout}} */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** {@return how many worker threads run calls, as set by {@link Builder#maxParallelism}} */
    public int maxParallelism() {
        return workers.threads();
    }

    /** {@return whether the calls run on virtual threads, as set by {@link Builder#virtualThreads}} */
    public boolean virtualThreads() {
        return virtualThreads;
    }

    /** {@return how many calls of all chats wait for a worker now} */
    public int queuedCalls() {
        return workers.queued();
    }

    /**
     * {@return how many of its calls wait for a worker now}
     *
     * @param chatId a chat
     */
    public int queuedCalls(String chatId) {
        return workers.queued(Objects.requireNonNull(chatId, "chatId"));
    }

    /** {@return how many chats have calls waiting for a worker now} */
    public int waitingChats() {
        return workers.waitingChats();
    }

    /**
     * Executes one call of the default chat, as one of the calls of a response that come one by one. See
     * {@link #execute(String, ToolCall)}.
     *
     * @param call the call
     * @return its result, never {@code null}
     * @throws IllegalStateException if the executor has no default chat
     */
    public ToolResult execute(ToolCall call) {
        return execute(chatId(), call);
    }

    /**
     * Executes calls of the default chat. See {@link #execute(String, List)}.
     *
     * @param calls the calls
     * @return the results, one per call, same order
     * @throws NullPointerException  if {@code calls} is {@code null}
     * @throws IllegalStateException if the executor has no default chat
     */
    public List<ToolResult> execute(List<ToolCall> calls) {
        return execute(chatId(), calls);
    }

    /**
     * Executes one call of a chat, as one of the calls of a model response that come one by one (an MCP request, a
     * LangChain4j tool execution): its result may not reach the model before the response's other calls are made, so
     * a whole-file write of it does not move the view its siblings are based on (a file the chat has no view of gets
     * the write's base, or the version written when the write added it). Otherwise as {@link #execute(String, List)},
     * which is better when all the calls of a response are at hand.
     *
     * @param chatId the chat
     * @param call   the call
     * @return its result, never {@code null}
     * @throws NullPointerException     if {@code chatId} is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     */
    public ToolResult execute(String chatId, ToolCall call) {
        return run(chatId, CHAT_VIEWER, List.of(call), false).get(0);
    }

    /**
     * Executes one assistant message's calls for a chat, concurrently, and returns one result per call, in the order
     * of {@code calls}. The calls queue behind the chat's earlier calls; the chats take turns for the workers. Blocks
     * until every call has its result, or its {@link Builder#callTimeout} (queueing included) has passed.
     *
     * <p>The calls of one message were made from one view of the artifact, so they share one base: a whole-file
     * write is based on the artifact as the calls arrive, or on the older version of that file the chat last saw (its
     * reads, its own whole-file writes, remembered in PostgreSQL), and what changed since is merged, not overwritten
     * ({@code docs/tool-calls.md}). Give several calls of one message in one {@code execute}, not one by one.
     *
     * @param chatId the chat, whose code artifact is created on first use
     * @param calls  the calls, e.g. from {@link dev.gapless.executor.format.OpenAiFormat#parse}
     * @return the results, one per call, same order; failures are error results, never exceptions
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     */
    public List<ToolResult> execute(String chatId, List<ToolCall> calls) {
        return run(chatId, CHAT_VIEWER, calls, true);
    }

    /**
     * Executes one message's calls for one of several agents (or clients) working on a chat, each with its own view
     * of the artifact: a whole-file write of an agent is based on what that agent last saw. Otherwise as
     * {@link #execute(String, List)}.
     *
     * @param chatId  the chat, whose code artifact is created on first use
     * @param agentId the agent, e.g. an MCP session id: 1 to {@value #MAX_AGENT_ID_LENGTH} characters, not blank, no
     *                control characters
     * @param calls   the calls
     * @return the results, one per call, same order; failures are error results, never exceptions
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} or {@code agentId} is blank, or {@code agentId} is too long or
     *                                  has a control character
     */
    public List<ToolResult> execute(String chatId, String agentId, List<ToolCall> calls) {
        return run(chatId, agent(agentId), calls, true);
    }

    private static String agent(String agentId) {
        Objects.requireNonNull(agentId, "agentId");
        if (agentId.isBlank() || agentId.length() > MAX_AGENT_ID_LENGTH
                || agentId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("agentId must be 1 to " + MAX_AGENT_ID_LENGTH + " characters, not blank,"
                    + " without control characters");
        }
        return agentId;
    }

    /**
     * Executes one call of one agent working on a chat, as one of the calls of a response that come one by one (see
     * {@link #execute(String, ToolCall)}). Otherwise as {@link #execute(String, String, List)}.
     *
     * @param chatId  the chat
     * @param agentId the agent
     * @param call    the call
     * @return its result, never {@code null}
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException as {@link #execute(String, String, List)}
     */
    public ToolResult execute(String chatId, String agentId, ToolCall call) {
        return run(chatId, agent(agentId), List.of(call), false).get(0);
    }

    private List<ToolResult> run(String chatId, String viewer, List<ToolCall> calls, boolean wholeResponse) {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(calls, "calls");
        if (chatId.isBlank()) {
            throw new IllegalArgumentException("chatId must not be blank");
        }
        long deadline = System.nanoTime() + callTimeout.toNanos();
        ChatTools chat = handlersOf(chatId);
        // the view the calls were made from, read before any of them runs
        Turn turn = Turn.of(chat, viewer, calls, wholeResponse);
        List<Task> tasks = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            Task task = new Task(chatId, chat, call, deadline, turn);
            tasks.add(task);
            try {
                // told before the task is visible to a worker, so that a listener's queued() comes before started()
                notifyQueued(chatId, call, workers.queued(chatId) + 1);
                workers.submit(chatId, task);
            } catch (IllegalStateException closed) {
                task.cancel();
                task.result.complete(error(call, Wording.failed("the executor is shut down", Outcome.NOT_APPLIED)));
            }
        }
        List<ToolResult> results = new ArrayList<>(calls.size());
        for (Task task : tasks) {
            results.add(await(task, deadline).answering(task.call));
        }
        return results;
    }

    private ChatTools handlersOf(String chat) {
        synchronized (handlers) {
            return handlers.computeIfAbsent(chat, c -> new ChatTools(store, c, ARTIFACT_TYPE, title));
        }
    }

    private void notifyQueued(String chat, ToolCall call, int depth) {
        try {
            listener.queued(chat, call, depth);
        } catch (RuntimeException e) {
            LOG.warn("the tool call listener failed", e);
        }
    }

    /** One queued call: run once by a worker, unless the caller gave up on it before it started. */
    private final class Task implements Runnable {
        final String chat;
        final ChatTools handlers;
        final ToolCall call;
        final long deadline;
        final Turn turn;
        final CompletableFuture<ToolResult> result = new CompletableFuture<>();
        private final AtomicBoolean claimed = new AtomicBoolean();

        Task(String chat, ChatTools handlers, ToolCall call, long deadline, Turn turn) {
            this.chat = chat;
            this.handlers = handlers;
            this.call = call;
            this.deadline = deadline;
            this.turn = turn;
        }

        /** {@return true if the task had not started and now never will} */
        boolean cancel() {
            return claimed.compareAndSet(false, true);
        }

        @Override
        public void run() {
            if (claimed.compareAndSet(false, true)) {
                result.complete(runner.run(chat, handlers, call, deadline, turn));
            }
        }
    }

    private ToolResult await(Task task, long deadline) {
        long waitNanos = deadline - System.nanoTime() + GRACE.toNanos();
        try {
            return task.result.get(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (task.cancel()) {
                return error(task.call, Wording.failed("timed out after " + callTimeout.toMillis()
                        + " ms waiting for a worker", Outcome.NOT_APPLIED) + Wording.RETRY_IS_SAFE);
            }
            // the store's own deadline should have ended the call by now; it is still running and may yet commit
            return error(task.call, Wording.failed("did not finish within " + callTimeout.toMillis() + " ms",
                    Outcome.UNKNOWN));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (task.cancel()) {
                return error(task.call, Wording.failed("interrupted before it started", Outcome.NOT_APPLIED));
            }
            return error(task.call, Wording.failed("interrupted before it finished", Outcome.UNKNOWN));
        } catch (ExecutionException e) {
            LOG.error("tool call {} failed unexpectedly", task.call == null ? null : task.call.id(), e.getCause());
            return error(task.call, Wording.failed("internal error", Outcome.UNKNOWN));
        }
    }

    private static ToolResult error(ToolCall call, String message) {
        return CallRunner.error(call, message);
    }

    /**
     * Stops the worker threads once the calls already queued have run; later calls get an error result saying the
     * executor is shut down. Does not wait.
     */
    @Override
    public void close() {
        workers.close();
    }

    /** Configures a {@link ToolExecutor}. Not thread-safe. */
    public static final class Builder {

        private final ArtifactStore store;
        private final String chatId;
        private ToolCallListener listener = ToolCallListener.NONE;
        private String title = "Code";
        private int maxParallelism = 16;
        private Duration callTimeout = Duration.ofSeconds(30);
        private int maxArgumentBytes = 4 << 20;
        private int maxJsonDepth = 16;
        private boolean virtualThreads;

        private Builder(ArtifactStore store, String chatId) {
            this.store = Objects.requireNonNull(store, "store");
            this.chatId = chatId;
            if (chatId != null && chatId.isBlank()) {
                throw new IllegalArgumentException("chatId must not be blank");
            }
        }

        /**
         * How many calls run at once, over all chats; default 16. Give the store's pool at least this many
         * connections.
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
         * Whether the workers that run the calls are virtual threads (Java 21 and newer); default {@code false},
         * platform threads. There are {@link #maxParallelism} of them either way: the store's connections bound
         * how many calls can run at once, not the threads. Gapless's own waits (the workers' queue, the store's
         * retries) and pgjdbc's I/O use locks that let a virtual thread unmount, so calls do not pin their carrier
         * threads once the classes are loaded.
         *
         * @param virtual {@code true} for virtual threads
         * @return this builder
         * @throws UnsupportedOperationException if {@code virtual} and this Java is older than 21
         */
        public Builder virtualThreads(boolean virtual) {
            if (virtual && !FairScheduler.VIRTUAL_THREADS) {
                throw new UnsupportedOperationException(FairScheduler.virtualThreadsUnsupported());
            }
            this.virtualThreads = virtual;
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
         * Who hears of each call queued, started and finished (metrics, traces); default none.
         *
         * @param listener the listener, thread-safe
         * @return this builder
         */
        public Builder listener(ToolCallListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the executor and starts its worker threads.
         *
         * @return the executor
         */
        public ToolExecutor build() {
            return new ToolExecutor(this);
        }
    }
}
