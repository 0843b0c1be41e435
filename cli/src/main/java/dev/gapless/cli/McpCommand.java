package dev.gapless.cli;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.mcp.McpHttpServer;
import dev.gapless.mcp.McpToolServer;
import dev.gapless.micrometer.GaplessMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gapless mcp}: the tools as an MCP server, on stdio or, with {@code --http}, over Streamable HTTP. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve the tools over MCP on standard input/output (register this command in an MCP client),"
                + " or with --http over Streamable HTTP for many clients and chats. Logs go to standard error.",
            "Over HTTP every request needs 'Authorization: Bearer <token>'; each call names its chat in its _meta"
                + " (chat_id) or in the X-Gapless-Chat header; Prometheus metrics are at /metrics."})
final class McpCommand implements Callable<Integer> {

    /** The environment variable that may hold the bearer token. */
    static final String TOKEN_VARIABLE = BearerToken.VARIABLE;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storage;

    @Mixin
    VerboseOption verbosity;

    @Option(names = "--chat", paramLabel = "ID",
            description = "The chat whose code artifact the tools work on (default on stdio: mcp). Over HTTP, the"
                    + " chat of calls that name none (default: none, such calls get an error).")
    String chat;

    @Option(names = "--http", description = "Serve over Streamable HTTP instead of stdio.")
    boolean http;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "With --http: the address to listen on"
            + " (default: 127.0.0.1, this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "With --http: the port (default: 8765; 0 for any"
            + " free port).")
    Integer port;

    @Option(names = "--token", paramLabel = "TOKEN", description = "With --http: the bearer token clients must send"
            + " (default: $" + TOKEN_VARIABLE + ", else one is generated and printed).")
    String token;

    @Option(names = "--viewer", description = "With --http: also serve the web viewer and its API at /viewer/"
            + " (as 'gapless serve' does), behind the same tokens.")
    boolean viewer;

    @Option(names = "--token-file", paramLabel = "FILE", description = "With --http: tokens scoped to chats, one a"
            + " line: TOKEN PATTERN... ('*' stands for any characters, e.g. team-a-*); the file must be readable by"
            + " its owner only (chmod 600). Without it, the one token may use every chat.")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        storage.validate(spec.commandLine());
        if (chat != null) {
            StoreOptions.requireChat(spec.commandLine(), chat);
        }
        if (!http && (host != null || port != null || token != null || tokenFile != null || viewer)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host, --port, --token, --token-file and"
                    + " --viewer need --http (on stdio the client starts the server itself)");
        }
        if (port != null && (port < 0 || port > 65_535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was "
                    + port);
        }
        String version = new Main.Version().getVersion()[0].replace("gapless ", "");
        return http ? serveHttp(version) : serveStdio(version);
    }

    private int serveStdio(String version) throws InterruptedException {
        var err = spec.commandLine().getErr();
        try (StoreOptions.Storage open = storage.open(err, 18);
             ToolExecutor executor = ToolExecutor.builder(open.store(), chat == null ? "mcp" : chat).build();
             McpToolServer server = McpToolServer.start(executor, version, System.in, System.out)) {
            server.awaitInputClosed();
        }
        return 0;
    }

    private int serveHttp(String version) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BearerToken resolved = BearerToken.resolve(token, tokenFile != null, spec.commandLine());
        String bearer = resolved.value();
        if (tokenFile != null) {
            try {
                McpHttpServer.checkTokenFile(tokenFile); // before the database starts: a usage error changes nothing
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--token-file: " + e.getMessage());
            }
        }
        GaplessMetrics metrics = GaplessMetrics.create(WriteStrategy.named(storage.strategy));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (UntilStopped stopping = new UntilStopped("gapless-mcp-shutdown");
             StoreOptions.Storage open = storage.open(err, 18, metrics)) {
            ToolExecutor.Builder builder = chat == null ? ToolExecutor.builder(open.store())
                    : ToolExecutor.builder(open.store(), chat);
            try (ToolExecutor executor = builder.listener(metrics).build()) {
                metrics.monitor(executor).bindTo(registry);
                McpHttpServer.Builder server = McpHttpServer.builder(executor, version)
                        .metrics(registry::scrape).host(host == null ? "127.0.0.1" : host)
                        .port(port == null ? 8765 : port).viewer(viewer);
                if (bearer != null) {
                    server.token(bearer);
                }
                if (tokenFile != null) {
                    server.tokenFile(tokenFile);
                }
                try (McpHttpServer running = start(server)) {
                    out.println("MCP endpoint: " + running.endpoint());
                    out.println("metrics: " + running.endpoint().resolve("/metrics"));
                    if (viewer) {
                        out.println("viewer: " + running.endpoint().resolve("/viewer/") + (bearer == null ? ""
                                : "#token=" + bearer));
                    }
                    if (bearer != null) {
                        out.println(resolved.describe());
                    }
                    if (tokenFile != null) {
                        out.println("chat-scoped tokens: from " + tokenFile);
                    }
                    out.flush();
                    stopping.await();
                }
            }
        }
        return 0;
    }

    private static McpHttpServer start(McpHttpServer.Builder server) {
        try {
            return server.start();
        } catch (RuntimeException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }
}
