package dev.gapless.providers;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the {@code tool_use} blocks of an {@code anthropic-java} {@link Message} with a Gapless {@link ToolExecutor}
 * and answers them with the SDK's own {@link ToolResultBlockParam}s ({@code is_error} set on failure), or with the
 * whole next user message ({@link #reply}). Each block's {@code id} is its idempotency key.
 *
 * <p>Needs {@code com.anthropic:anthropic-java} on the class path (an optional dependency of this module). Stateless
 * and thread-safe.
 */
public final class AnthropicMessages {

    private AnthropicMessages() {
    }

    /**
     * The tool calls of a message: its {@code tool_use} blocks, with their {@code input} as JSON text.
     *
     * @param message the model's message
     * @return its calls, in order; empty if it has none
     * @throws NullPointerException if {@code message} is {@code null}
     */
    public static List<ToolCall> toolCalls(Message message) {
        Objects.requireNonNull(message, "message");
        List<ToolCall> calls = new ArrayList<>();
        for (ContentBlock block : message.content()) {
            if (block.isToolUse()) {
                ToolUseBlock use = block.asToolUse();
                calls.add(new ToolCall(use.id(), use.name(), json(use)));
            }
        }
        return calls;
    }

    private static String json(ToolUseBlock use) {
        try {
            return ObjectMappers.jsonMapper().writeValueAsString(use._input());
        } catch (JsonProcessingException e) {
            // unreachable for input the SDK parsed; the executor answers "not valid JSON" for this text
            return "";
        }
    }

    /**
     * Executes the message's tool calls for a chat, in parallel, and answers each.
     *
     * @param executor the executor
     * @param chatId   the chat
     * @param message  the model's message
     * @return one {@code tool_result} block per call, in the calls' order
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     */
    public static List<ToolResultBlockParam> execute(ToolExecutor executor, String chatId, Message message) {
        List<ToolResultBlockParam> blocks = new ArrayList<>();
        for (ToolResult result : executor.execute(chatId, toolCalls(message))) {
            blocks.add(result(result));
        }
        return blocks;
    }

    /**
     * The {@code tool_result} block answering one call.
     *
     * @param result the call's result
     * @return the SDK's block parameter, {@code is_error} set when the call failed
     */
    public static ToolResultBlockParam result(ToolResult result) {
        return ToolResultBlockParam.builder().toolUseId(result.id()).content(result.content())
                .isError(result.error()).build();
    }

    /**
     * The user message that carries the results back to the model.
     *
     * @param results the {@code tool_result} blocks, e.g. from {@link #execute}
     * @return a {@code role: user} message of those blocks
     */
    public static MessageParam reply(List<ToolResultBlockParam> results) {
        List<ContentBlockParam> content = new ArrayList<>();
        results.forEach(r -> content.add(ContentBlockParam.ofToolResult(r)));
        return MessageParam.ofUserOfContentBlockParams(content);
    }
}
