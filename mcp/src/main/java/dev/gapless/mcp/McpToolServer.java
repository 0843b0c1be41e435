package dev.gapless.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.executor.ToolExecutor;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The tools of a {@link ToolExecutor} as an MCP server over stdio, built on the official MCP Java SDK:
 * {@code tools/list} returns each tool with its JSON Schema, {@code tools/call} runs it through the executor (same
 * validation, same safe errors, {@code isError} set on failure).
 *
 * <p>Every line from the client is checked before the SDK's transport sees it: a line that is not JSON-RPC gets a
 * JSON-RPC error (-32700 parse error, -32600 invalid request) and the session goes on, and a {@code tools/call}
 * whose {@code arguments} are not an object, or that repeats a key, gets -32602 naming the problem, with nothing
 * written. When the client's input ends, the requests in flight are answered first (for at most the executor's call
 * timeout and ten seconds), then {@link #awaitInputClosed()} returns.
 *
 * <p>MCP carries no tool-call id, so a call's idempotency key is taken from its {@code _meta} ({@code tool_call_id}
 * or {@code idempotency_key}) when the client sends one, else a fresh one is made and a replayed call is a new call.
 * The chat is the call's {@code _meta.chat_id}, else the executor's default chat. The tools carry MCP annotations
 * (read-only, destructive, idempotent hints); the tool list never changes, so {@code listChanged} is not advertised.
 * Over HTTP, see {@link McpHttpServer}.
 */
public final class McpToolServer implements AutoCloseable {

    private static final Duration DRAIN_GRACE = Duration.ofSeconds(10);

    private final McpSyncServer server;
    private final ClientStreams streams;
    private final McpResources resources;

    private McpToolServer(ToolExecutor executor, String version, InputStream in, OutputStream out) {
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
        this.streams = new ClientStreams(in, out, new JsonRpcCheck(mapper),
                executor.callTimeout().plus(DRAIN_GRACE));
        this.resources = new McpResources(executor);
        this.server = McpServer.sync(new StdioServerTransportProvider(mapper, streams.input(), streams.output()))
                .serverInfo("gapless", version)
                .capabilities(McpResources.capabilities()) // the tool list never changes; resources do
                .validateToolInputs(false) // the executor validates, with its own messages
                .tools(McpTools.specifications(executor, mapper, false))
                .resourceTemplates(resources.templates())
                .resources(resources.initial())
                .build();
        resources.attach(server);
        streams.observe(resources::observe);
    }

    /**
     * Starts serving on the given streams (normally {@code System.in} / {@code System.out}; nothing else may write
     * to that output).
     *
     * @param executor the executor whose tools are served
     * @param version  the version reported to clients
     * @param in       where requests arrive
     * @param out      where responses go
     * @return the running server
     */
    public static McpToolServer start(ToolExecutor executor, String version, InputStream in, OutputStream out) {
        return new McpToolServer(executor, version, in, out);
    }

    /**
     * Blocks until the client has closed its input and the requests it sent before were answered.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitInputClosed() throws InterruptedException {
        streams.awaitEnd();
    }

    @Override
    public void close() {
        resources.close();
        server.closeGracefully();
    }
}
