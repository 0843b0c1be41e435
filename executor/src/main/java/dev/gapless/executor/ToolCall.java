package dev.gapless.executor;

import dev.gapless.executor.json.Json;
import java.util.Objects;

/**
 * One tool call, in the shape all formats are converted to: OpenAI {@code tool_calls[]}, Anthropic {@code tool_use}
 * blocks and MCP {@code tools/call} all become this. A call carries the shape its result is to be sent back in, so
 * that any instance of a format renders any result: formats hold no state between parsing and rendering.
 *
 * @param id        the call's id ({@code tool_call_id} / {@code tool_use_id}); it is the idempotency key of the
 *                  write the call makes, so executing the same model response twice writes nothing new
 * @param name      the tool's name
 * @param arguments the arguments as JSON text, exactly as received (it may be malformed; the executor says so)
 * @param reply     how its result is answered where a format has several shapes
 */
public record ToolCall(String id, String name, String arguments, Reply reply) {

    /**
     * The shape a call's result is sent back in, for a format with more than one (the Responses API); the others
     * answer every call alike.
     */
    public enum Reply {
        /** A function call: its result is the tool's JSON (Responses: {@code function_call_output}). */
        FUNCTION,
        /** The built-in patch tool's call (Responses: {@code apply_patch_call_output}, with a status). */
        PATCH,
        /** A freeform (custom) tool's call, whose input is plain text (Responses: {@code custom_tool_call_output}). */
        FREEFORM
    }

    /**
     * Creates a {@code ToolCall}.
     *
     * @param id        the call's id
     * @param name      the tool's name
     * @param arguments the arguments as JSON text
     * @param reply     how its result is answered
     * @throws NullPointerException if {@code reply} is {@code null}
     */
    public ToolCall {
        Objects.requireNonNull(reply, "reply");
    }

    /**
     * A function call, answered as such.
     *
     * @param id        the call's id
     * @param name      the tool's name
     * @param arguments the arguments as JSON text
     */
    public ToolCall(String id, String name, String arguments) {
        this(id, name, arguments, Reply.FUNCTION);
    }

    /**
     * The call of a freeform (custom) tool, read alike from every format that has them (Chat Completions'
     * {@code custom} tool calls, the Responses API's {@code custom_tool_call} items): for {@code apply_patch} the
     * text is the patch ({@code {"input": text}}); for any other tool the text is the arguments, which a tool taking
     * a JSON object refuses with an error result, so the call is still answered.
     *
     * @param id    the call's id
     * @param name  the tool's name
     * @param input the freeform input, or {@code null} when the call had none as text
     * @return the call, answered as {@link Reply#FREEFORM}
     */
    public static ToolCall freeform(String id, String name, String input) {
        String arguments = "apply_patch".equals(name) && input != null
                ? Json.write(Json.MAPPER.createObjectNode().put("input", input)) : input;
        return new ToolCall(id, name, arguments, Reply.FREEFORM);
    }
}
