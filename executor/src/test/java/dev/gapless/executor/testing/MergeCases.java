package dev.gapless.executor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases of "no lost work when calls touch the same file" (shipped in the test jar, for the MCP server's and the
 * adapters' tests): each a fresh chat after one whole-file write of an 8-function file, then the calls of ONE model
 * response, in the shape of each provider, and what must hold afterwards: no call says ok while its change is absent
 * from the head; a refused call's change is absent and its message says nothing was written.
 */
public final class MergeCases {

    /** The file every case works on. */
    public static final String FILE = "app.py";

    private MergeCases() {
    }

    /** What a call does to the file. */
    public enum Kind {
        /** add_code_file of the whole file: the file as first written, with one function's return changed. */
        WRITE,
        /** str_replace (edit_code_file; the text editor in the Anthropic shape) of one function's return. */
        STR_REPLACE,
        /** apply_patch of one function's return (Responses: an apply_patch_call item). */
        PATCH
    }

    /**
     * One call of a case.
     *
     * @param id       the tool-call id
     * @param kind     what it does
     * @param function which function's return it changes, 0 to 7
     * @param value    the value that function returns afterwards; {@link #marker()} is in the head iff it landed
     */
    public record Call(String id, Kind kind, int function, String value) {

        /** @return the line this call puts in the file */
        public String marker() {
            return "    return " + value;
        }
    }

    /** The result of one call, as the provider's shape carries it. */
    public record Outcome(String id, boolean error, String text) {
    }

    /** @return the file as the create writes it: eight functions f0..f7, each returning its number */
    public static String original() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            out.append("def f").append(i).append("():\n    return ").append(i).append("\n\n");
        }
        return out.toString();
    }

    /** @return the original file with function {@code function} returning {@code value} */
    public static String withReturn(int function, String value) {
        return original().replace("    return " + function + "\n", "    return " + value + "\n");
    }

    /** @return the content of {@link #FILE} in the latest version of the chat's artifact */
    public static String head(dev.gapless.core.ArtifactStore store, String chat) {
        java.util.UUID id = store.find(chat, dev.gapless.executor.ToolExecutor.ARTIFACT_TYPE).orElseThrow().id();
        return store.file(id, FILE).orElseThrow().file().content();
    }

    /** @return the create that starts every case, as one OpenAI-shaped call */
    public static ToolCall create(String id) {
        return new ToolCall(id, "add_code_file", Json.write(Json.MAPPER.createObjectNode().put("filename", FILE)
                .put("language", "python").put("content", original())));
    }

    /** @return case 1: str_replace on f5 beside a whole-file write that changes only f1 */
    public static List<Call> editBesideWholeWrite(String prefix) {
        return List.of(new Call(prefix + "_edit_f5", Kind.STR_REPLACE, 5, "55"),
                new Call(prefix + "_write_f1", Kind.WRITE, 1, "11"));
    }

    /** @return case 2: two whole-file writes, one changing f2, the other f3 */
    public static List<Call> twoWholeWritesOfDisjointLines(String prefix) {
        return List.of(new Call(prefix + "_write_f2", Kind.WRITE, 2, "22"),
                new Call(prefix + "_write_f3", Kind.WRITE, 3, "33"));
    }

    /** @return case 3: two whole-file writes changing the same line of f4 differently */
    public static List<Call> twoWholeWritesOfOneLine(String prefix) {
        return List.of(new Call(prefix + "_write_f4_a", Kind.WRITE, 4, "40 + 1"),
                new Call(prefix + "_write_f4_b", Kind.WRITE, 4, "40 + 2"));
    }

    /** @return case 4: a patch of f0 beside a whole-file write changing f6 */
    public static List<Call> patchBesideWholeWrite(String prefix) {
        return List.of(new Call(prefix + "_patch_f0", Kind.PATCH, 0, "100"),
                new Call(prefix + "_write_f6", Kind.WRITE, 6, "66"));
    }

    /** @return the call's tool and arguments in the internal shape (Chat Completions, Responses, MCP) */
    public static ToolCall toolCall(Call call) {
        return toolCall(call, -1);
    }

    /**
     * @param call the call
     * @param base the {@code base_version} a whole-file write states, or -1 for none (the executor's view decides)
     * @return the call's tool and arguments in the internal shape
     */
    public static ToolCall toolCall(Call call, int base) {
        ObjectNode args = Json.MAPPER.createObjectNode();
        String name = switch (call.kind()) {
            case WRITE -> {
                args.put("filename", FILE).put("language", "python").put("content",
                        withReturn(call.function(), call.value()));
                if (base >= 0) {
                    args.put("base_version", base);
                }
                yield "add_code_file";
            }
            case STR_REPLACE -> {
                args.put("path", FILE).put("old_string", "    return " + call.function() + "\n")
                        .put("new_string", call.marker() + "\n");
                yield "edit_code_file";
            }
            case PATCH -> {
                args.put("input", "*** Begin Patch\n*** Update File: " + FILE + "\n" + hunk(call) + "*** End Patch\n");
                yield "apply_patch";
            }
        };
        return new ToolCall(call.id(), name, Json.write(args));
    }

    private static String hunk(Call call) {
        return "@@ def f" + call.function() + "():\n-    return " + call.function() + "\n+" + call.marker() + "\n";
    }

    /** @return the calls as an OpenAI Chat Completions response */
    public static JsonNode chatCompletions(List<Call> calls) {
        ObjectNode response = Json.MAPPER.createObjectNode();
        ArrayNode toolCalls = response.putArray("choices").addObject().putObject("message").put("role", "assistant")
                .putArray("tool_calls");
        for (Call call : calls) {
            ToolCall t = toolCall(call);
            toolCalls.addObject().put("id", t.id()).put("type", "function").putObject("function")
                    .put("name", t.name()).put("arguments", t.arguments());
        }
        return response;
    }

    /** @return the calls as an Anthropic Messages response; str_replace is the built-in text editor's */
    public static JsonNode anthropic(List<Call> calls) {
        ObjectNode response = Json.MAPPER.createObjectNode().put("type", "message").put("role", "assistant");
        ArrayNode content = response.putArray("content");
        content.addObject().put("type", "text").put("text", "Changing the functions.");
        for (Call call : calls) {
            ObjectNode block = content.addObject().put("type", "tool_use").put("id", call.id());
            if (call.kind() == Kind.STR_REPLACE) {
                block.put("name", "str_replace_based_edit_tool").putObject("input").put("command", "str_replace")
                        .put("path", FILE).put("old_str", "    return " + call.function() + "\n")
                        .put("new_str", call.marker() + "\n");
            } else {
                ToolCall t = toolCall(call);
                block.put("name", t.name()).set("input", read(t.arguments()));
            }
        }
        return response;
    }

    /** @return the calls as an OpenAI Responses API response; a patch is an {@code apply_patch_call} item */
    public static JsonNode responses(List<Call> calls) {
        ObjectNode response = Json.MAPPER.createObjectNode().put("object", "response");
        ArrayNode output = response.putArray("output");
        output.addObject().put("type", "reasoning").put("id", "rs_1").putArray("summary");
        for (Call call : calls) {
            if (call.kind() == Kind.PATCH) {
                output.addObject().put("type", "apply_patch_call").put("id", "apc_" + call.id())
                        .put("call_id", call.id()).put("status", "completed").putObject("operation")
                        .put("type", "update_file").put("path", FILE).put("diff", hunk(call));
            } else {
                ToolCall t = toolCall(call);
                output.addObject().put("type", "function_call").put("id", "fc_" + call.id()).put("call_id", t.id())
                        .put("name", t.name()).put("arguments", t.arguments()).put("status", "completed");
            }
        }
        return response;
    }

    /**
     * The outcomes in a rendered reply of any of the three shapes.
     *
     * @param reply what the format rendered
     * @return one outcome per call, in order
     */
    public static List<Outcome> outcomes(JsonNode reply) {
        List<Outcome> out = new ArrayList<>();
        JsonNode items = reply.isArray() ? reply : reply.path("content");
        for (JsonNode item : items) {
            if (item.has("tool_use_id")) {
                out.add(new Outcome(item.path("tool_use_id").asText(), item.path("is_error").asBoolean(),
                        item.path("content").asText()));
            } else if (item.has("tool_call_id")) {
                out.add(new Outcome(item.path("tool_call_id").asText(), isError(item.path("content").asText()),
                        item.path("content").asText()));
            } else if ("apply_patch_call_output".equals(item.path("type").asText())) {
                out.add(new Outcome(item.path("call_id").asText(), "failed".equals(item.path("status").asText()),
                        item.path("output").asText()));
            } else {
                out.add(new Outcome(item.path("call_id").asText(), isError(item.path("output").asText()),
                        item.path("output").asText()));
            }
        }
        return out;
    }

    /** @return whether a JSON result text is an error ({@code {"error": ...}}) */
    public static boolean isError(String text) {
        try {
            return Json.MAPPER.readTree(text).has("error");
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Checks the rule every case must keep, and returns what failed to say so: a call that says ok while its change is
     * not in the head, or a refused call whose change is there or whose message does not say nothing was written.
     *
     * @param calls    the case's calls
     * @param outcomes their outcomes, by id
     * @param head     the file's content afterwards
     * @return the broken promises, empty when the rule held
     */
    public static List<String> broken(List<Call> calls, List<Outcome> outcomes, String head) {
        List<String> broken = new ArrayList<>();
        for (Call call : calls) {
            Outcome o = outcomes.stream().filter(x -> x.id().equals(call.id())).findFirst().orElse(null);
            if (o == null) {
                broken.add(call.id() + ": no result");
            } else if (!o.error() && !head.contains(call.marker() + "\n")) {
                broken.add(call.id() + " said ok but its change is gone: " + o.text());
            } else if (o.error() && head.contains(call.marker() + "\n")) {
                broken.add(call.id() + " was refused but its change is there: " + o.text());
            } else if (o.error() && !o.text().toLowerCase(java.util.Locale.ROOT).contains("nothing was written")) {
                broken.add(call.id() + " was refused without saying nothing was written: " + o.text());
            }
        }
        return broken;
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
