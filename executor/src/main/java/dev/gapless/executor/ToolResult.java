package dev.gapless.executor;

/**
 * The result of one tool call, matched to it by id.
 *
 * @param id      the call's id
 * @param name    the tool's name, as called
 * @param error   whether the call failed (the agent sees {@code is_error} / {@code isError} where the format has it)
 * @param content the result as JSON text: on success the tool's payload (for the text editor's {@code view}, the
 *                line-numbered text it is defined to show), on failure {@code {"error": "<a clear, safe message>"}}
 *                — never a stack trace or SQL
 */
public record ToolResult(String id, String name, boolean error, String content) {
}
