package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolDefinition;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.time.Duration;

/**
 * One tool: its name, what a client may assume of it, and what it does once its arguments are valid. What the model
 * reads of it (its description and the JSON Schema of its arguments) is in {@code tools.json} under its name; the
 * {@link ToolRegistry} puts the two together and refuses a tool without a description or a description without a
 * tool. A tool keeps no state: a chat's artifact and views come in as {@link ChatTools}. A failure of the
 * store propagates as {@link dev.gapless.core.GaplessException}, a call that cannot run as asked as {@link Refused};
 * {@link ChatTools#handle} words both. Thread-safe.
 */
public abstract sealed class Tool permits AddCodeFile, AddCodeFiles, DeleteCodeFile, EditCodeFile, TextEditor,
        ApplyPatch, GetCodeFile, ListCodeFiles, GetArtifactHistory, GetCodeDiff, RevertToVersion {

    /** A read: changes nothing (so calling it again changes nothing either). */
    static final ToolDefinition.Hints READ = new ToolDefinition.Hints(true, false, true);
    /** A write that only adds or changes files, keyed by its call id. */
    static final ToolDefinition.Hints WRITE = new ToolDefinition.Hints(false, false, true);
    /** A write that may delete files (earlier versions keep them), keyed by its call id. */
    static final ToolDefinition.Hints MAY_DELETE = new ToolDefinition.Hints(false, true, true);

    private final String name;
    private final ToolDefinition.Hints hints;
    private final boolean readsViewAtArrival;

    /**
     * Declares a tool.
     *
     * @param name               the name the model calls it by, as in {@code tools.json}
     * @param hints              what a client may assume of it: {@link #READ}, {@link #WRITE} or {@link #MAY_DELETE}
     * @param readsViewAtArrival whether a call of it needs the view its response was made from, read when the calls
     *                           arrive ({@link Turn}): a whole-file write for its base, {@code get_code_diff} for the
     *                           head the response found
     */
    Tool(String name, ToolDefinition.Hints hints, boolean readsViewAtArrival) {
        this.name = name;
        this.hints = hints;
        this.readsViewAtArrival = readsViewAtArrival;
    }

    /**
     * The name the model calls the tool by.
     *
     * @return the name, as in {@code tools.json}
     */
    public final String name() {
        return name;
    }

    /**
     * What a client may assume of the tool (MCP's annotations).
     *
     * @return {@link #READ}, {@link #WRITE} or {@link #MAY_DELETE}
     */
    public final ToolDefinition.Hints hints() {
        return hints;
    }

    /**
     * Whether a call of the tool needs the view its response was made from, read when the calls arrive.
     *
     * @return what the tool declared
     */
    public final boolean readsViewAtArrival() {
        return readsViewAtArrival;
    }

    /**
     * The arguments as the tool's schema expects them, from the arguments as sent: the same, unless the tool accepts
     * another shape too (the Responses API's {@code apply_patch} operation). Runs before validation; writes nothing.
     *
     * @param sent the parsed arguments
     * @return the arguments to validate and run with
     * @throws Refused if the other shape is malformed
     * @throws dev.gapless.core.InvalidChangeException if what it holds is not a valid change
     */
    public JsonNode arguments(JsonNode sent) {
        return sent;
    }

    /**
     * Runs a call whose arguments are valid against the tool's schema.
     *
     * @param chat      the chat's artifact and views
     * @param call      the call
     * @param arguments its arguments
     * @param timeLeft  the call's remaining budget, given to writes as their deadline
     * @param turn      the view the call's response was made from
     * @return the result
     * @throws Refused                          if the call cannot run as asked (nothing written)
     * @throws dev.gapless.core.GaplessException if the store fails, saying whether anything was written
     */
    public abstract ToolResult run(ChatTools chat, ToolCall call, JsonNode arguments, Duration timeLeft, Turn turn);

    /**
     * A successful result whose content is a JSON payload.
     *
     * @param call    the call
     * @param payload the payload
     * @return the result
     */
    static ToolResult ok(ToolCall call, ObjectNode payload) {
        return new ToolResult(call.id(), call.name(), false, Json.write(payload));
    }
}
