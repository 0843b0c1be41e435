package dev.gapless.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.format.ResponsesFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the tool calls of an {@code openai-java} Responses API response with a Gapless {@link ToolExecutor} and
 * answers them with the SDK's own {@link ResponseInputItem}s, ready for the next request's input
 * ({@code ResponseCreateParams.builder().previousResponseId(response.id()).inputOfResponse(items)}). Each call's
 * {@code call_id} is its idempotency key.
 *
 * <p>The output items are read as the executor's {@link ResponsesFormat} reads the API's JSON (the SDK's objects are
 * written back to JSON with the SDK's own {@link ObjectMappers#jsonMapper() mapper}, so an item is seen exactly as it
 * was received): a {@code function_call} becomes a call of that tool with its {@code arguments}; an
 * {@code apply_patch_call} becomes a call of {@code apply_patch} with its operation as a one-file V4A patch; a
 * {@code custom_tool_call} (a freeform tool) named {@code apply_patch} a call of {@code apply_patch} with its
 * {@code input} as the patch, of another name a call of that tool with the text as arguments; other items
 * (messages, reasoning, hosted tools' calls) are skipped. The answers are {@code function_call_output} items
 * ({@code call_id}, {@code output}; a failed call's output is {@code {"error": "…"}}); for an
 * {@code apply_patch_call}, {@code apply_patch_call_output} items ({@code status} {@code completed} or
 * {@code failed}, {@code output} the summary or the error); for a {@code custom_tool_call},
 * {@code custom_tool_call_output} items.
 *
 * <p>Needs {@code com.openai:openai-java} on the class path (an optional dependency of this module). Stateless and
 * thread-safe.
 */
public final class OpenAiResponses {

    private OpenAiResponses() {
    }

    /**
     * The tool calls of a response's {@code output}.
     *
     * @param response the response
     * @return its calls, in order; empty if it has none
     * @throws NullPointerException if {@code response} is {@code null}
     * @throws dev.gapless.executor.format.UnusableInputException if the response's {@code output} is not an array
     */
    public static List<ToolCall> toolCalls(Response response) {
        Objects.requireNonNull(response, "response");
        return new ResponsesFormat().parse(tree(response));
    }

    /**
     * The tool calls among output items, e.g. a response's {@code output()} or the items of a stream's
     * {@code response.output_item.done} events.
     *
     * @param items the output items
     * @return their calls, in order; empty if there are none
     * @throws NullPointerException if {@code items} is {@code null}
     */
    public static List<ToolCall> toolCalls(List<ResponseOutputItem> items) {
        Objects.requireNonNull(items, "items");
        return new ResponsesFormat().parse(tree(items));
    }

    /**
     * Executes the response's tool calls for a chat, in parallel, and answers each.
     *
     * @param executor the executor
     * @param chatId   the chat
     * @param response the model's response
     * @return one input item per call, in the calls' order: {@code function_call_output} or
     *         {@code apply_patch_call_output}
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     * @throws dev.gapless.executor.format.UnusableInputException if the response's {@code output} is not an array
     */
    public static List<ResponseInputItem> execute(ToolExecutor executor, String chatId, Response response) {
        Objects.requireNonNull(response, "response");
        return execute(executor, chatId, tree(response));
    }

    /**
     * Executes the tool calls among output items for a chat, in parallel, and answers each.
     *
     * @param executor the executor
     * @param chatId   the chat
     * @param items    the output items, e.g. a response's {@code output()}
     * @return one input item per call, in the calls' order: {@code function_call_output} or
     *         {@code apply_patch_call_output}
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code chatId} is blank
     */
    public static List<ResponseInputItem> execute(ToolExecutor executor, String chatId,
            List<ResponseOutputItem> items) {
        Objects.requireNonNull(items, "items");
        return execute(executor, chatId, tree(items));
    }

    /** Each call carries its answer's shape into its result, so that {@code apply_patch_call}s are answered in theirs. */
    private static List<ResponseInputItem> execute(ToolExecutor executor, String chatId, JsonNode document) {
        Objects.requireNonNull(executor, "executor");
        ResponsesFormat format = new ResponsesFormat();
        List<ToolResult> results = executor.execute(chatId, format.parse(document));
        JsonMapper mapper = ObjectMappers.jsonMapper();
        List<ResponseInputItem> items = new ArrayList<>();
        for (JsonNode item : format.render(results)) {
            try {
                items.add(mapper.treeToValue(item, ResponseInputItem.class));
            } catch (JsonProcessingException e) {
                // unreachable: the SDK reads both kinds of item the format writes
                throw new IllegalStateException("openai-java cannot read the input item " + item.path("type"), e);
            }
        }
        return items;
    }

    /** The SDK object as the JSON it was read from (items the SDK does not know keep their raw JSON). */
    private static JsonNode tree(Object sdkObject) {
        return ObjectMappers.jsonMapper().valueToTree(sdkObject);
    }
}
