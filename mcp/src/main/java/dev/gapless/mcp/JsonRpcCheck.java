package dev.gapless.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.executor.json.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides, for one line from an MCP client, whether the SDK's stdio transport may see it. That transport ends the
 * whole session on the first line it cannot turn into a JSON-RPC message, and answers a {@code tools/call} whose
 * parameters do not convert with -32603 and a Jackson message; so every such line is answered here instead, with
 * the JSON-RPC error it deserves, and never reaches it: -32700 for text that is not JSON (or not UTF-8), -32600 for
 * JSON that is not a JSON-RPC 2.0 message, -32602 for a {@code tools/call} whose {@code params}, {@code name},
 * {@code arguments} or {@code _meta} has the wrong shape, or with a key twice in one object. A line passes only if
 * the SDK's own deserializer accepts it. Blank lines are skipped. Thread-safe.
 */
final class JsonRpcCheck {

    /** JSON-RPC 2.0 error codes. */
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int INVALID_PARAMS = -32602;

    /** Deeper than any message a client sends: tool arguments are limited further by the executor. */
    private static final int MAX_DEPTH = 64;
    private static final ObjectMapper LENIENT = new ObjectMapper();

    /** What to do with a line. */
    enum Action { FORWARD, REPLY, SKIP }

    /**
     * The verdict on one line.
     *
     * @param action  forward it to the SDK, answer it here, or skip it
     * @param reply   for {@link Action#REPLY}, the JSON-RPC error response to write
     * @param method  for {@link Action#FORWARD}, the message's method, or null for a response
     * @param id      for a forwarded request (which the SDK will answer), its id as JSON text; otherwise null
     */
    record Verdict(Action action, String reply, String method, String id) {
    }

    /** Why a message is refused. */
    private record Problem(int code, String message) {

        static Optional<Problem> request(String why) {
            return Optional.of(new Problem(INVALID_REQUEST, "Invalid Request: " + why));
        }

        static Optional<Problem> params(String why) {
            return Optional.of(new Problem(INVALID_PARAMS, "Invalid params: " + why));
        }
    }

    private final ObjectMapper strict = Json.bounded(MAX_DEPTH);
    private final McpJsonMapper sdkMapper;

    JsonRpcCheck(McpJsonMapper sdkMapper) {
        this.sdkMapper = sdkMapper;
    }

    Verdict check(String line) {
        if (line.isBlank()) {
            return new Verdict(Action.SKIP, null, null, null);
        }
        JsonNode message;
        try {
            message = strict.readTree(line);
        } catch (JsonProcessingException e) {
            return Json.duplicateKey(e).map(d -> duplicateKey(line, e, d))
                    .orElseGet(() -> reply(NullNode.getInstance(), PARSE_ERROR, "Parse error: the line is not JSON: "
                            + Json.describe(e)));
        }
        if (message.isArray()) {
            return reply(NullNode.getInstance(), INVALID_REQUEST, "Invalid Request: " + (message.isEmpty()
                    ? "an empty array is not a JSON-RPC message" : "batches (JSON arrays) are not supported; send"
                    + " one JSON-RPC message per line"));
        }
        if (!message.isObject()) {
            return reply(NullNode.getInstance(), INVALID_REQUEST, "Invalid Request: a JSON-RPC message is an"
                    + " object, this is " + typeOf(message));
        }
        JsonNode id = message.get("id");
        if (id != null && !id.isTextual() && !id.isNumber()) {
            return reply(NullNode.getInstance(), INVALID_REQUEST, "Invalid Request: \"id\" must be a string or a"
                    + " number, was " + typeOf(id));
        }
        JsonNode replyId = id == null ? NullNode.getInstance() : id;
        if (!"2.0".equals(message.path("jsonrpc").textValue())) {
            return reply(replyId, INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message (\"jsonrpc\":"
                    + " \"2.0\" is missing)");
        }
        Optional<Problem> problem = message.has("method") ? requestProblem(message, id)
                : responseProblem(message, id);
        if (problem.isPresent()) {
            return reply(replyId, problem.get().code(), problem.get().message());
        }
        try {
            McpSchema.deserializeJsonRpcMessage(sdkMapper, line);
        } catch (Exception e) {
            return reply(replyId, INVALID_REQUEST, "Invalid Request: not a JSON-RPC message this server can read");
        }
        String method = message.path("method").textValue();
        return new Verdict(Action.FORWARD, null, method, method != null && id != null ? Json.write(id) : null);
    }

    /** A request or notification: a string method, object params, and for tools/call the shape the SDK needs. */
    private Optional<Problem> requestProblem(JsonNode message, JsonNode id) {
        JsonNode method = message.get("method");
        if (!method.isTextual()) {
            return Problem.request("\"method\" must be a string, was " + typeOf(method));
        }
        JsonNode params = message.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            return Problem.params("\"params\" must be an object, was " + typeOf(params));
        }
        if (id == null || !McpSchema.METHOD_TOOLS_CALL.equals(method.textValue())) {
            return Optional.empty();
        }
        if (params == null || !params.isObject()) {
            return Problem.params("tools/call needs \"params\": {\"name\": …, \"arguments\": {…}}");
        }
        JsonNode name = params.get("name");
        if (name == null || !name.isTextual()) {
            return Problem.params("tools/call needs \"name\", a string" + (name == null ? ""
                    : ", was " + typeOf(name)));
        }
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            return Problem.params("\"arguments\" of " + name.textValue() + " must be a JSON object of"
                    + " named arguments, was " + typeOf(arguments) + (holdsAnObject(arguments) ? " holding JSON"
                    + " text; send the object itself, not a string" : ""));
        }
        JsonNode meta = params.get("_meta");
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            return Problem.params("\"_meta\" must be an object, was " + typeOf(meta));
        }
        try {
            sdkMapper.convertValue(params, McpSchema.CallToolRequest.class);
        } catch (RuntimeException e) {
            return Problem.params("tools/call params do not have the shape of a CallToolRequest");
        }
        return Optional.empty();
    }

    /** A response to a request of ours: an id, and a result or a well-formed error. */
    private static Optional<Problem> responseProblem(JsonNode message, JsonNode id) {
        boolean result = message.has("result");
        JsonNode error = message.get("error");
        if (!result && error == null) {
            return Problem.request("a JSON-RPC message needs a \"method\" (a request or notification)"
                    + " or a \"result\" or \"error\" (a response)");
        }
        if (id == null) {
            return Problem.request("a response needs the \"id\" of the request it answers");
        }
        if (error != null && (!error.isObject() || !error.path("code").isIntegralNumber()
                || !error.path("message").isTextual())) {
            return Problem.request("\"error\" must be an object with an integer \"code\" and a string"
                    + " \"message\"");
        }
        return Optional.empty();
    }

    /** A key twice: in params it is the call's arguments that are ambiguous (-32602), elsewhere the message. */
    private static Verdict duplicateKey(String line, JsonProcessingException e, Json.DuplicateKey duplicate) {
        JsonNode id = NullNode.getInstance();
        try {
            JsonNode lenient = LENIENT.readTree(line);
            JsonNode lastId = lenient.path("id");
            boolean idItselfRepeated = duplicate.objectPointer().equals("/") && duplicate.key().equals("id");
            if (!idItselfRepeated && (lastId.isTextual() || lastId.isNumber())) {
                id = lastId;
            }
        } catch (JsonProcessingException | RuntimeException ignored) {
            // the id stays null
        }
        boolean inParams = duplicate.objectPointer().startsWith("/params");
        return reply(id, inParams ? INVALID_PARAMS : INVALID_REQUEST, (inParams ? "Invalid params: " : "Invalid"
                + " Request: ") + Json.describe(e) + "; give each key once");
    }

    private static boolean holdsAnObject(JsonNode node) {
        if (!node.isTextual()) {
            return false;
        }
        try {
            return LENIENT.readTree(node.textValue()).isObject();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static String typeOf(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return node.isNull() ? "null" : (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type;
    }

    private static Verdict reply(JsonNode id, int code, String message) {
        ObjectNode response = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        response.putObject("error").put("code", code).put("message", message);
        return new Verdict(Action.REPLY, Json.write(response), null, null);
    }
}
