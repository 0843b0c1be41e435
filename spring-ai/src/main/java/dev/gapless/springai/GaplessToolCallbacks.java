package dev.gapless.springai;

import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolDefinition;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.execution.ToolExecutionException;

/**
 * The Gapless tools as Spring AI {@link ToolCallback}s, for simple use: register them on a prompt or a
 * {@code ChatClient} and Spring AI's own tool calling runs them. The chat is the tool context's
 * {@value #CHAT_ID} entry, else the executor's default chat.
 *
 * <p>Spring AI's own {@code DefaultToolCallingManager} runs one message's calls one after another and does not give
 * a callback the call's id, so each call here is a new call: a replayed model response writes again. For parallel
 * calls and exactly-once replays, use {@link GaplessToolCallingManager}, which runs the same callbacks' tools.
 *
 * <p>A failed call throws a {@link ToolExecutionException} whose cause's message is the error for the model; Spring
 * AI's {@code ToolExecutionExceptionProcessor} turns it into the tool's response (or rethrows it, if configured to).
 */
public final class GaplessToolCallbacks {

    /** The tool-context key of the chat whose artifact the tools work on. */
    public static final String CHAT_ID = "gapless.chat_id";

    private GaplessToolCallbacks() {
    }

    /**
     * One callback per Gapless tool.
     *
     * @param executor the executor that runs the calls
     * @return the callbacks, in the catalog's order
     * @throws NullPointerException if {@code executor} is {@code null}
     */
    public static List<ToolCallback> of(ToolExecutor executor) {
        Objects.requireNonNull(executor, "executor");
        List<ToolCallback> callbacks = new ArrayList<>();
        for (ToolDefinition tool : executor.catalog().tools()) {
            callbacks.add(new Callback(executor, tool));
        }
        return List.copyOf(callbacks);
    }

    /**
     * The Spring AI definition of a Gapless tool: its name, description and JSON Schema.
     *
     * @param tool the tool
     * @return its definition
     */
    public static org.springframework.ai.tool.definition.ToolDefinition definition(ToolDefinition tool) {
        return org.springframework.ai.tool.definition.ToolDefinition.builder().name(tool.name())
                .description(tool.description()).inputSchema(tool.inputSchema().toString()).build();
    }

    /**
     * The chat of a tool context.
     *
     * @param executor the executor, whose default chat is the fallback
     * @param context  the tool context, possibly {@code null}
     * @return the chat
     * @throws IllegalStateException if the context names no chat and the executor has no default chat
     */
    static String chatOf(ToolExecutor executor, java.util.Map<String, Object> context) {
        Object chat = context == null ? null : context.get(CHAT_ID);
        if (chat != null && !chat.toString().isBlank()) {
            return chat.toString();
        }
        return executor.defaultChat().orElseThrow(() -> new IllegalStateException("no chat for the Gapless tools:"
                + " put it in the tool context under \"" + CHAT_ID + "\", or give the executor a default chat"));
    }

    /** The model-facing error of a failed call, as the cause of a {@link ToolExecutionException}. */
    static final class ToolCallFailedException extends RuntimeException {
        ToolCallFailedException(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Callback implements ToolCallback {
        private final ToolExecutor executor;
        private final org.springframework.ai.tool.definition.ToolDefinition definition;

        Callback(ToolExecutor executor, ToolDefinition tool) {
            this.executor = executor;
            this.definition = definition(tool);
        }

        @Override
        public org.springframework.ai.tool.definition.ToolDefinition getToolDefinition() {
            return definition;
        }

        @Override
        public String call(String toolInput) {
            return call(toolInput, null);
        }

        @Override
        public String call(String toolInput, ToolContext toolContext) {
            String chat = chatOf(executor, toolContext == null ? null : toolContext.getContext());
            ToolResult result = executor.execute(chat, new ToolCall("spring_" + UUID.randomUUID(),
                    definition.name(), toolInput));
            if (result.error()) {
                throw new ToolExecutionException(definition, new ToolCallFailedException(result.content()));
            }
            return result.content();
        }
    }
}
