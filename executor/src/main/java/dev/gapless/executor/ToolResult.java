package dev.gapless.executor;

import java.util.Objects;

/**
 * The result of one tool call, matched to it by id.
 *
 * @param id      the call's id
 * @param name    the tool's name, as called
 * @param error   whether the call failed (the agent sees {@code is_error} / {@code isError} where the format has it)
 * @param content the result as JSON text: on success the tool's payload (for the text editor's {@code view}, the
 *                line-numbered text it is defined to show), on failure {@code {"error": "<a clear, safe message>"}}
 *                — never a stack trace or SQL
 * @param reply   the shape it is answered in: the call's {@link ToolCall#reply()}
 */
public record ToolResult(String id, String name, boolean error, String content, ToolCall.Reply reply) {

    /**
     * Creates a {@code ToolResult}.
     *
     * @param id      the call's id
     * @param name    the tool's name
     * @param error   whether the call failed
     * @param content the result as JSON text
     * @param reply   the shape it is answered in
     * @throws NullPointerException if {@code reply} is {@code null}
     */
    public ToolResult {
        Objects.requireNonNull(reply, "reply");
    }

    /**
     * The result of a function call.
     *
     * @param id      the call's id
     * @param name    the tool's name
     * @param error   whether the call failed
     * @param content the result as JSON text
     */
    public ToolResult(String id, String name, boolean error, String content) {
        this(id, name, error, content, ToolCall.Reply.FUNCTION);
    }

    /**
     * This result, answered in the shape {@code call} asks for.
     *
     * @param call the call it answers ({@code null}: none, this result as it is)
     * @return the result with the call's {@link ToolCall#reply()}
     */
    public ToolResult answering(ToolCall call) {
        return call == null || call.reply() == reply ? this : new ToolResult(id, name, error, content, call.reply());
    }
}
