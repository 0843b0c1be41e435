package dev.gapless.executor;

/**
 * Hears what a {@link ToolExecutor} does with each call, for metrics and traces (the {@code gapless-micrometer}
 * module implements it) without the executor depending on a metrics library. Every method has a no-op default.
 *
 * <p>Implementations must be thread-safe and fast: {@link #queued} runs on the caller's thread while the call is
 * queued, {@link #started} and the returned {@link Completion} on the worker thread that runs the call, around it,
 * so a tracer may make its span current there. A listener that throws is logged and ignored; the call goes on.
 */
public interface ToolCallListener {

    /** A listener that does nothing. */
    ToolCallListener NONE = new ToolCallListener() {
    };

    /**
     * A listener that tells each of the given listeners, in order (e.g. metrics and traces).
     *
     * @param listeners the listeners
     * @return one listener for all of them
     * @throws NullPointerException if a listener is {@code null}
     */
    static ToolCallListener all(ToolCallListener... listeners) {
        java.util.List<ToolCallListener> list = java.util.List.of(listeners);
        return new ToolCallListener() {
            @Override
            public void queued(String chatId, ToolCall call, int chatQueued) {
                list.forEach(l -> l.queued(chatId, call, chatQueued));
            }

            @Override
            public Completion started(String chatId, ToolCall call) {
                java.util.List<Completion> completions = new java.util.ArrayList<>(list.size());
                list.forEach(l -> completions.add(l.started(chatId, call)));
                return (result, nanos) -> {
                    for (int i = completions.size() - 1; i >= 0; i--) {
                        completions.get(i).finished(result, nanos);
                    }
                };
            }
        };
    }

    /**
     * A call is being queued for a worker; told on the caller's thread before any worker can start it.
     *
     * @param chatId     the chat
     * @param call       the call
     * @param chatQueued how many of the chat's calls wait for a worker, this one included
     */
    default void queued(String chatId, ToolCall call, int chatQueued) {
    }

    /**
     * A worker starts the call.
     *
     * @param chatId the chat
     * @param call   the call
     * @return what to tell when the call has its result, on the same thread; never {@code null}
     */
    default Completion started(String chatId, ToolCall call) {
        return Completion.NONE;
    }

    /** The end of one call, told once, on the thread that ran it. */
    interface Completion {

        /** A completion that does nothing. */
        Completion NONE = (result, nanos) -> {
        };

        /**
         * The call has its result.
         *
         * @param result the result the caller gets (an error result for a failure)
         * @param nanos  how long the call ran, queueing excluded
         */
        void finished(ToolResult result, long nanos);
    }
}
