package dev.gapless.executor.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages. In: a response or assistant message whose {@code content} holds {@code tool_use} blocks
 * ({@code id}, {@code name}, object {@code input}), or the array of blocks itself; other blocks (text) are skipped.
 * Out: a {@code role: user} message whose content is one {@code tool_result} block per call, with
 * {@code tool_use_id}, the result as text {@code content}, and {@code is_error}.
 */
public final class AnthropicFormat implements Format {

    /** Creates the format; it holds no state, so one instance may serve every thread. */
    public AnthropicFormat() {
    }

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public String title() {
        return "an Anthropic Messages";
    }

    @Override
    public boolean recognises(JsonNode document) {
        JsonNode blocks = document.isArray() ? document : document.path("content");
        if (!blocks.isArray()) {
            return false;
        }
        for (JsonNode block : blocks) {
            if ("tool_use".equals(block.path("type").asText())) {
                return true;
            }
        }
        return "message".equals(document.path("type").asText());
    }

    @Override
    public List<ToolCall> parse(JsonNode document) {
        JsonNode blocks = document.isArray() ? document : document.path("content");
        if (!blocks.isArray()) {
            throw new UnusableInputException("content must be an array of blocks");
        }
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode block : blocks) {
            if (!"tool_use".equals(block.path("type").asText())) {
                continue;
            }
            JsonNode input = block.path("input");
            String arguments = input.isMissingNode() || input.isNull() ? null
                    : input.isTextual() ? input.asText() : Json.write(input);
            out.add(new ToolCall(OpenAiFormat.textOrNull(block.path("id")),
                    OpenAiFormat.textOrNull(block.path("name")), arguments));
        }
        return out;
    }

    @Override
    public JsonNode render(List<ToolResult> results) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("role", "user");
        ArrayNode content = message.putArray("content");
        for (ToolResult r : results) {
            content.addObject()
                    .put("type", "tool_result")
                    .put("tool_use_id", r.id())
                    .put("content", r.content())
                    .put("is_error", r.error());
        }
        return message;
    }
}
