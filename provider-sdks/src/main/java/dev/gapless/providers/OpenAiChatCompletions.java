package dev.gapless.providers;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the tool calls of an {@code openai-java} Chat Completions response with a Gapless {@link ToolExecutor} and
 * answers them with the SDK's own {@link ChatCompletionToolMessageParam}s, ready to append to the next request's
 * messages ({@code ChatCompletionMessageParam.ofTool(param)}). Each call's {@code id} is its idempotency key.
 *
 * <p>Chat Completions tool messages have no error flag: a failed call's content is {@code {"error": "…"}}, a message
 * for the model. Needs {@code com.openai:openai-java} on the class path (an optional dependency of this module).
 * Stateless and thread-safe.
 */
public final class OpenAiChatCompletions {

    private OpenAiChatCompletions() {
    }

    /**
     * The tool calls of the response's first choice.
     *
     * @param completion the response
     * @return its calls, in order; empty if it has none
     * @throws NullPointerException if {@code completion} is {@code null}
     */
    public static List<ToolCall> toolCalls(ChatCompletion completion) {
        Objects.requireNonNull(completion, "completion");
        return completion.choices().isEmpty() ? List.of() : toolCalls(completion.choices().get(0).message());
    }

    /**
     * The tool calls of an assistant message: function calls with their JSON arguments, custom tool calls read by
     * {@link ToolCall#freeform} as every format reads them (for {@code apply_patch} the input is the patch; for
     * another tool it is the arguments, which a tool taking a JSON object refuses).
     *
     * @param message the assistant message
     * @return its calls, in order
     * @throws NullPointerException if {@code message} is {@code null}
     */
    public static List<ToolCall> toolCalls(ChatCompletionMessage message) {
        Objects.requireNonNull(message, "message");
        List<ToolCall> calls = new ArrayList<>();
        for (ChatCompletionMessageToolCall call : message.toolCalls().orElse(List.of())) {
            if (call.isFunction()) {
                var function = call.asFunction();
                calls.add(new ToolCall(function.id(), function.function().name(), function.function().arguments()));
            } else if (call.custom().isPresent()) {
                var custom = call.custom().get();
                calls.add(ToolCall.freeform(custom.id(), custom.custom().name(), custom.custom().input()));
            }
        }
        return calls;
    }

    /**
     * Executes the response's tool calls for a chat, in parallel, and answers each.
     *
     * @param executor   the executor
     * @param chatId     the chat
     * @param completion the model's response
     * @return one tool message per call, in the calls' order
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     */
    public static List<ChatCompletionToolMessageParam> execute(ToolExecutor executor, String chatId,
            ChatCompletion completion) {
        List<ChatCompletionToolMessageParam> replies = new ArrayList<>();
        for (ToolResult result : executor.execute(chatId, toolCalls(completion))) {
            replies.add(reply(result));
        }
        return replies;
    }

    /**
     * The tool message answering one call.
     *
     * @param result the call's result
     * @return the SDK's tool message parameter
     */
    public static ChatCompletionToolMessageParam reply(ToolResult result) {
        return ChatCompletionToolMessageParam.builder().toolCallId(result.id()).content(result.content()).build();
    }
}
