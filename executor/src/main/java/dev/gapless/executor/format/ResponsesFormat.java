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
 * The OpenAI Responses API. In: a response ({@code output} items), or the array of items itself; items of type
 * {@code function_call} ({@code call_id}, {@code name}, {@code arguments} as a JSON string) become calls of that tool,
 * items of type {@code apply_patch_call} ({@code call_id}, {@code operation} {@code {type: create_file | update_file |
 * delete_file, path, diff}}) become calls of {@code apply_patch} with the arguments {@code {"operation": …}}, which
 * the executor runs as a V4A patch of that one file and nothing else (a path with a control character, or a diff
 * holding an envelope line such as {@code *** Delete File:}, is refused); items
 * of type {@code custom_tool_call} (a freeform tool: {@code call_id}, {@code name}, {@code input} as plain text) named
 * {@code apply_patch} become calls of {@code apply_patch} with the text as the patch, and of any other name a call
 * of that tool whose arguments are the text (which a tool taking a JSON object refuses with an error result, so the
 * call is still answered); other items (reasoning, messages) are skipped. Out: a JSON array of input items to send
 * back: {@code function_call_output} ({@code call_id}, {@code output}); for an {@code apply_patch_call},
 * {@code apply_patch_call_output} ({@code call_id}, {@code status} {@code completed} or {@code failed},
 * {@code output}); for a {@code custom_tool_call}, {@code custom_tool_call_output} ({@code call_id}, {@code output}).
 *
 * <p>Stateless and thread-safe: each call {@link #parse} reads carries the shape of its answer
 * ({@link ToolCall.Reply}), which the executor copies into its result, so that any instance renders any result.
 */
public final class ResponsesFormat implements Format {

    /** Creates the format; it holds no state, so one instance may serve every thread. */
    public ResponsesFormat() {
    }

    @Override
    public String name() {
        return "responses";
    }

    @Override
    public String title() {
        return "an OpenAI Responses API";
    }

    @Override
    public boolean recognises(JsonNode document) {
        if ("response".equals(document.path("object").asText())) {
            return true;
        }
        JsonNode items = document.isArray() ? document : document.path("output");
        if (!items.isArray()) {
            return false;
        }
        for (JsonNode item : items) {
            String type = item.path("type").asText();
            if (type.equals("function_call") || type.equals("apply_patch_call") || type.equals("custom_tool_call")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<ToolCall> parse(JsonNode document) {
        JsonNode items = document.isArray() ? document : document.path("output");
        if (items.isMissingNode() || items.isNull()) {
            return List.of();
        }
        if (!items.isArray()) {
            throw new UnusableInputException("output must be an array of items");
        }
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode item : items) {
            String type = item.path("type").asText();
            String id = OpenAiFormat.textOrNull(item.path("call_id"));
            if (type.equals("function_call")) {
                JsonNode arguments = item.path("arguments");
                String text = arguments.isTextual() ? arguments.asText()
                        : arguments.isMissingNode() || arguments.isNull() ? null : Json.write(arguments);
                out.add(new ToolCall(id, OpenAiFormat.textOrNull(item.path("name")), text));
            } else if (type.equals("apply_patch_call")) {
                out.add(new ToolCall(id, "apply_patch", patchArguments(item.path("operation")),
                        ToolCall.Reply.PATCH));
            } else if (type.equals("custom_tool_call")) {
                JsonNode input = item.path("input");
                out.add(ToolCall.freeform(id, OpenAiFormat.textOrNull(item.path("name")),
                        input.isTextual() ? input.asText() : null));
            }
        }
        return out;
    }

    /**
     * The arguments of {@code apply_patch} for one operation: {@code {"operation": {...}}}, which the executor turns
     * into a V4A patch of exactly the operation's path, or refuses (see {@code PatchOperation}).
     */
    static String patchArguments(JsonNode operation) {
        return Json.write(Json.MAPPER.createObjectNode().set("operation", operation));
    }

    @Override
    public JsonNode render(List<ToolResult> results) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (ToolResult r : results) {
            String type = r.id() == null ? "function_call_output" : switch (r.reply()) {
                case FUNCTION -> "function_call_output";
                case PATCH -> "apply_patch".equals(r.name()) ? "apply_patch_call_output" : "function_call_output";
                case FREEFORM -> "custom_tool_call_output";
            };
            ObjectNode item = items.addObject().put("type", type).put("call_id", r.id());
            if (type.equals("apply_patch_call_output")) {
                item.put("status", r.error() ? "failed" : "completed");
            }
            item.put("output", !type.equals("function_call_output") && "apply_patch".equals(r.name()) ? patchOutput(r)
                    : r.content());
        }
        return items;
    }

    /** What an {@code apply_patch_call_output} says: the error, or the summary and the version written. */
    private static String patchOutput(ToolResult r) {
        try {
            JsonNode content = Json.MAPPER.readTree(r.content());
            if (r.error()) {
                return content.path("error").asText(r.content());
            }
            ObjectNode ok = (ObjectNode) content;
            return ok.path("summary").asText() + " (version " + ok.path("version").asInt()
                    + (ok.path("deduplicated").asBoolean() ? ", applied before by this call id)" : ")");
        } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
            return r.content();
        }
    }
}
