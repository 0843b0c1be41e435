package dev.gapless.executor.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Chat Completions. In: a response ({@code choices[0].message.tool_calls}), an assistant message
 * ({@code tool_calls}) or the {@code tool_calls} array itself; each call's {@code function.arguments} is a JSON
 * <em>string</em>, passed on as is (it may be malformed); a {@code custom} tool call ({@code custom.name},
 * {@code custom.input} as plain text) is read as {@link ToolCall#freeform} reads every format's freeform calls. Out: an array of {@code role: tool} messages with
 * {@code tool_call_id} and the result as {@code content} (the format has no error flag: an error's content is
 * {@code {"error": …}}).
 */
public final class OpenAiFormat implements Format {

    /** Creates the format; it holds no state, so one instance may serve every thread. */
    public OpenAiFormat() {
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public String title() {
        return "an OpenAI Chat Completions";
    }

    @Override
    public boolean recognises(JsonNode document) {
        return document.has("choices") || document.has("tool_calls")
                || (document.isArray() && document.size() > 0
                        && (document.get(0).has("function") || document.get(0).has("custom")));
    }

    @Override
    public List<ToolCall> parse(JsonNode document) {
        JsonNode calls;
        if (document.has("choices")) {
            JsonNode choices = document.get("choices");
            if (!choices.isArray() || choices.isEmpty()) {
                throw new UnusableInputException("choices must be a non-empty array");
            }
            calls = choices.get(0).path("message").path("tool_calls");
        } else if (document.has("tool_calls")) {
            calls = document.get("tool_calls");
        } else {
            calls = document;
        }
        if (calls.isMissingNode() || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw new UnusableInputException("tool_calls must be an array");
        }
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode call : calls) {
            if ("custom".equals(call.path("type").asText()) || !call.has("function") && call.has("custom")) {
                JsonNode custom = call.path("custom");
                out.add(ToolCall.freeform(textOrNull(call.path("id")), textOrNull(custom.path("name")),
                        textOrNull(custom.path("input"))));
                continue;
            }
            JsonNode function = call.path("function");
            JsonNode arguments = function.path("arguments");
            String text = arguments.isTextual() ? arguments.asText()
                    : arguments.isMissingNode() || arguments.isNull() ? null : Json.write(arguments);
            out.add(new ToolCall(textOrNull(call.path("id")), textOrNull(function.path("name")), text));
        }
        return out;
    }

    @Override
    public JsonNode render(List<ToolResult> results) {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        for (ToolResult r : results) {
            messages.addObject()
                    .put("role", "tool")
                    .put("tool_call_id", r.id())
                    .put("content", r.content());
        }
        return messages;
    }

    static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
