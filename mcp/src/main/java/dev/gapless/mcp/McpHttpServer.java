package dev.gapless.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.executor.ToolExecutor;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityValidator;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The tools of a {@link ToolExecutor} as an MCP server over Streamable HTTP (the SDK's servlet transport in an
 * embedded Jetty), at {@code http://host:port/mcp}. One server serves many clients and many chats: each call's chat
 * is its {@code _meta.chat_id}, else the request's {@value #CHAT_HEADER} header, else the executor's default chat.
 *
 * <p>Every request must carry {@code Authorization: Bearer <token>}; without it, or with another token, the answer is
 * {@code 401} and nothing runs. It listens on {@code 127.0.0.1} unless told otherwise; on a loopback address it also
 * refuses requests whose {@code Host} is not a loopback name (DNS rebinding) and browser requests from any
 * {@code Origin}. Optionally {@code /metrics} serves a text exposition (e.g. Prometheus), behind the same token.
 * Thread-safe; close it to stop listening.
 */
public final class McpHttpServer implements AutoCloseable {

    /** The request header that names the chat, when the call's {@code _meta} does not. */
    public static final String CHAT_HEADER = "X-Gapless-Chat";
    /** The path of the MCP endpoint. */
    public static final String ENDPOINT = "/mcp";

    private final Server jetty;
    private final McpSyncServer mcp;
    private final McpResources resources;
    private final ViewerServlet viewer;
    private final String host;

    private McpHttpServer(Builder b) throws Exception {
        this.host = b.host;
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
        ServerTransportSecurityValidator validator = securityValidator(b.host);
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(mapper)
                .mcpEndpoint(ENDPOINT)
                .contextExtractor(McpHttpServer::context)
                .securityValidator(validator)
                .build();
        this.resources = new McpResources(b.executor);
        this.mcp = McpServer.sync(transport)
                .serverInfo("gapless", b.version)
                .capabilities(McpResources.capabilities()) // the tool list never changes; resources do
                .validateToolInputs(false) // the executor validates, with its own messages
                .tools(McpTools.specifications(b.executor, mapper, true))
                .resourceTemplates(resources.templates())
                .resources(resources.initial())
                .build();
        resources.attach(mcp);

        QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads, 2);
        threads.setName("gapless-mcp-http");
        threads.setDaemon(true);
        this.jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(b.host);
        connector.setPort(b.port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new BearerTokenFilter(b.tokens,
                b.viewer ? ViewerServer.openPaths() : java.util.Set.of())), "/*",
                EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new HttpMessageFilter(new JsonRpcCheck(mapper), validator,
                resources::observe)), ENDPOINT,
                EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, ENDPOINT);
        this.viewer = b.viewer ? ViewerServer.mount(context, b.executor.store(), b.tokens, java.util.Set.of()) : null;
        if (b.metrics != null) {
            context.addServlet(new ServletHolder(new TextServlet(b.metrics)), "/metrics");
        }
        // the whole body (up to the 16 MiB limit) is read without a thread before the request is handled, so
        // clients that send their body slowly hold a connection each, never one of the threads
        jetty.setHandler(new EagerContentHandler(context, new EagerContentHandler.RetainedContentLoaderFactory(
                ClientStreams.MAX_LINE_BYTES + 1L, -1, false)));
        jetty.setStopTimeout(5_000);
        try {
            jetty.start();
        } catch (Exception e) {
            resources.close();
            mcp.close();
            jetty.stop();
            throw e;
        }
    }

    /**
     * Starts configuring a server.
     *
     * @param executor the executor whose tools are served (usually without a default chat: requests name theirs)
     * @param version  the version reported to clients
     * @return a builder (not thread-safe)
     * @throws NullPointerException if an argument is {@code null}
     */
    public static Builder builder(ToolExecutor executor, String version) {
        return new Builder(executor, version);
    }

    /**
     * Reads and checks a token file as {@link Builder#tokenFile(Path)} does, without starting anything, so that a
     * command line can refuse a bad one before it opens a database. Thread-safe.
     *
     * @param file the token file
     * @throws IllegalArgumentException naming the file (and line), if others may read it or it is malformed
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public static void checkTokenFile(Path file) {
        readTokenFile(file);
    }

    private static Map<String, ChatScope> readTokenFile(Path file) {
        try {
            return TokenFile.read(Objects.requireNonNull(file, "file"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@return the port it listens on (the one the system chose, if configured with 0)} */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** {@return the MCP endpoint's URL} */
    public URI endpoint() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + ENDPOINT);
    }

    /**
     * Stops listening; requests in flight get up to five seconds, and those still running then are cut (a tool call
     * cut so has the outcome its client is told of when it times out: unknown, to be retried with the same id).
     */
    @Override
    public void close() throws Exception {
        resources.close();
        if (viewer != null) {
            viewer.closeStreams();
        }
        try {
            mcp.closeGracefully();
        } finally {
            ViewerServer.stop(jetty);
        }
    }

    private static McpTransportContext context(HttpServletRequest request) {
        Map<String, Object> values = new HashMap<>();
        Object scope = request.getAttribute(BearerTokenFilter.SCOPE_ATTRIBUTE);
        if (scope instanceof ChatScope chats) {
            values.put(McpTools.SCOPE, chats);
        }
        String chat = request.getHeader(CHAT_HEADER);
        if (chat != null && !chat.isBlank()) {
            values.put(McpTools.CHAT, chat.trim());
        }
        return McpTransportContext.create(values);
    }

    private static ServerTransportSecurityValidator securityValidator(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                return ServerTransportSecurityValidator.NOOP; // reached by other names; the token still guards it
            }
        } catch (UnknownHostException e) {
            return ServerTransportSecurityValidator.NOOP;
        }
        return DefaultServerTransportSecurityValidator.builder()
                .allowedHosts(List.of("127.0.0.1:*", "localhost:*", "[::1]:*"))
                .allowedOrigins(List.of())
                .build();
    }

    /** Serves a text exposition, such as a Prometheus scrape. */
    private static final class TextServlet extends HttpServlet {
        private final transient Supplier<String> body;

        TextServlet(Supplier<String> body) {
            this.body = body;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/plain; version=0.0.4; charset=utf-8");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }

    /** Configures an {@link McpHttpServer}. Not thread-safe. */
    public static final class Builder {
        private final ToolExecutor executor;
        private final String version;
        private String host = "127.0.0.1";
        private int port;
        private final Map<String, ChatScope> tokens = new LinkedHashMap<>();
        private Supplier<String> metrics;
        private int maxThreads = 64;
        private boolean viewer;

        private Builder(ToolExecutor executor, String version) {
            this.executor = Objects.requireNonNull(executor, "executor");
            this.version = Objects.requireNonNull(version, "version");
        }

        /**
         * The address to listen on; default {@code 127.0.0.1}.
         *
         * @param host a host name or address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The port; default 0, a free port the system chooses ({@link #port()} tells which).
         *
         * @param port 0 to 65535
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * A bearer token that may use every chat. A token, or a {@link #tokenFile(Path) token file}, is required;
         * whoever holds this token reads, writes and deletes the files of any chat it names.
         *
         * @param token at least 16 characters, no white space
         * @return this builder
         * @throws IllegalArgumentException if shorter or with white space
         */
        public Builder token(String token) {
            Objects.requireNonNull(token, "token");
            if (token.length() < BearerTokenFilter.MIN_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("the token must have at least " + BearerTokenFilter.MIN_LENGTH
                        + " characters and no white space");
            }
            this.tokens.put(token, ChatScope.ALL);
            return this;
        }

        /**
         * Bearer tokens scoped to chats, read from a file: one token a line followed by the chat-id patterns it may
         * use ({@code *} for any characters), e.g. {@code 8c1f0e3a9b7d4c2e8f6a1b3c5d7e9f01 team-a-*}; {@code #}
         * starts a comment. A call naming a chat outside its token's patterns gets an error result and nothing is
         * read or written.
         *
         * @param file a file only its owner may read (mode 0600)
         * @return this builder
         * @throws IllegalArgumentException naming the file (and line), if others may read it or it is malformed
         * @throws java.io.UncheckedIOException if it cannot be read
         */
        public Builder tokenFile(Path file) {
            readTokenFile(file).forEach(tokens::put);
            return this;
        }

        /**
         * Also serves the web viewer and its API at {@value ViewerServer#PATH}{@code /} ({@link ViewerServer}),
         * behind the same tokens and their chat scopes; default off.
         *
         * @param on whether to serve it
         * @return this builder
         */
        public Builder viewer(boolean on) {
            this.viewer = on;
            return this;
        }

        /**
         * Serves {@code /metrics} (behind the token) with what the supplier returns, e.g.
         * {@code prometheusRegistry::scrape}.
         *
         * @param scrape the exposition text
         * @return this builder
         */
        public Builder metrics(Supplier<String> scrape) {
            this.metrics = Objects.requireNonNull(scrape, "scrape");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IllegalStateException if no token was set
         * @throws java.io.UncheckedIOException if it cannot listen (the port is taken, the host unknown)
         */
        public McpHttpServer start() {
            if (tokens.isEmpty()) {
                throw new IllegalStateException("a bearer token is required: give token(...) or tokenFile(...)");
            }
            try {
                return new McpHttpServer(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(),
                        e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the MCP server on " + host + ":" + port + ": " + e, e);
            }
        }
    }
}
