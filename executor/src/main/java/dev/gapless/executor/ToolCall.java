package dev.gapless.executor;

/**
 * One tool call, in the shape all formats are converted to: OpenAI {@code tool_calls[]}, Anthropic {@code tool_use}
 * blocks and MCP {@code tools/call} all become this.
 *
 * @param id        the call's id ({@code tool_call_id} / {@code tool_use_id}); it is the idempotency key of the
 *                  write the call makes, so executing the same model response twice writes nothing new
 * @param name      the tool's name
 * @param arguments the arguments as JSON text, exactly as received (it may be malformed; the executor says so)
 */
public record ToolCall(String id, String name, String arguments) {
}
