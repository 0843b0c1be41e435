package dev.gapless.mcp;

import dev.gapless.core.Outcome;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolDefinition;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.Wording;
import dev.gapless.executor.json.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The executor's tools as MCP tool specifications, the same for every transport: input schemas, annotations, and a
 * call handler that finds the call's chat and idempotency key in the request and runs it through the executor.
 */
final class McpTools {

    /** The transport-context key under which a transport puts the chat its request names (HTTP: a header). */
    static final String CHAT = "gapless.chat";
    /** The transport-context key of the {@link ChatScope} of the request's token (HTTP); absent: every chat. */
    static final String SCOPE = "gapless.chat-scope";
    /** The {@code _meta} key of the chat a call works on. */
    static final String META_CHAT = "chat_id";

    private McpTools() {
    }

    /**
     * @param perSession whether each MCP session is a client with its own view of the chat's files (over HTTP, where
     *                   one server serves many clients); on stdio the one client is the chat, whose view then holds
     *                   across restarts of the server
     */
    static List<McpServerFeatures.SyncToolSpecification> specifications(ToolExecutor executor, McpJsonMapper mapper,
            boolean perSession) {
        List<McpServerFeatures.SyncToolSpecification> tools = new ArrayList<>();
        for (ToolDefinition definition : executor.catalog().tools()) {
            McpSchema.Tool tool = McpSchema.Tool.builder()
                    .name(definition.name())
                    .description(definition.description())
                    .inputSchema(mapper, Json.write(definition.inputSchema()))
                    .annotations(annotations(definition.hints()))
                    .build();
            tools.add(McpServerFeatures.SyncToolSpecification.builder()
                    .tool(tool)
                    .callHandler((exchange, request) -> call(executor, exchange.transportContext(),
                            perSession ? exchange.sessionId() : null, request))
                    .build());
        }
        return tools;
    }

    /**
     * What a client may assume of a tool, as the tool declares it in the executor's registry
     * ({@link ToolDefinition.Hints}); a write is idempotent when the client sends its call id
     * ({@code _meta.tool_call_id}). No tool reaches outside the artifact store.
     */
    static McpSchema.ToolAnnotations annotations(ToolDefinition.Hints declared) {
        McpSchema.ToolAnnotations.Builder hints = McpSchema.ToolAnnotations.builder().openWorldHint(false)
                .readOnlyHint(declared.readOnly());
        if (!declared.readOnly()) {
            hints.destructiveHint(declared.destructive()).idempotentHint(declared.idempotent());
        }
        return hints.build();
    }

    static McpSchema.CallToolResult call(ToolExecutor executor, McpTransportContext context, String session,
            McpSchema.CallToolRequest request) {
        Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
        ToolCall call = new ToolCall(idOf(request.meta()), request.name(),
                Json.write(Json.MAPPER.valueToTree(arguments)));
        Optional<String> chat = chatOf(executor, context, request.meta());
        if (chat.isEmpty()) {
            return McpSchema.CallToolResult.builder().isError(true).addTextContent(Json.write(Json.MAPPER
                    .createObjectNode().put("error", Wording.failed("no chat: name the chat whose code artifact the"
                            + " tools work on, in the request's _meta as \"" + META_CHAT + "\" or in the "
                            + McpHttpServer.CHAT_HEADER + " header", Outcome.NOT_APPLIED)))).build();
        }
        Object scope = context == null ? null : context.get(SCOPE);
        if (scope instanceof ChatScope chats && !chats.allows(chat.get())) {
            return McpSchema.CallToolResult.builder().isError(true).addTextContent(Json.write(Json.MAPPER
                    .createObjectNode().put("error", "this bearer token may not use chat '" + chat.get()
                            + "' (it may use: " + String.join(", ", chats.patterns()) + "); nothing was read or"
                            + " written."))).build();
        }
        // a session's whole-file writes are based on what that session last saw of each file
        String agent = session == null || session.isBlank() ? null : "mcp-session:" + session;
        ToolResult result = agent == null || agent.length() > ToolExecutor.MAX_AGENT_ID_LENGTH
                || agent.chars().anyMatch(Character::isISOControl)
                ? executor.execute(chat.get(), call) : executor.execute(chat.get(), agent, call);
        return McpSchema.CallToolResult.builder()
                .addTextContent(result.content())
                .isError(result.error())
                .build();
    }

    private static Optional<String> chatOf(ToolExecutor executor, McpTransportContext context,
            Map<String, Object> meta) {
        Object named = meta == null ? null : meta.get(META_CHAT);
        if (named instanceof String s && !s.isBlank()) {
            return Optional.of(s);
        }
        Object fromTransport = context == null ? null : context.get(CHAT);
        if (fromTransport instanceof String s && !s.isBlank()) {
            return Optional.of(s);
        }
        return executor.defaultChat();
    }

    private static String idOf(Map<String, Object> meta) {
        if (meta != null) {
            for (String key : List.of("tool_call_id", "idempotency_key")) {
                Object value = meta.get(key);
                if (value instanceof String s && !s.isBlank()) {
                    return s;
                }
            }
        }
        return "mcp_" + UUID.randomUUID();
    }
}
