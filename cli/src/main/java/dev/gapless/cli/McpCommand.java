package dev.gapless.cli;

import dev.gapless.executor.ToolExecutor;
import dev.gapless.mcp.McpToolServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gapless mcp}: the tools as an MCP server over stdio. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "Serve the tools over MCP on standard input/output (register this command in an MCP client)."
                + " Logs go to standard error.")
final class McpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storage;

    @Mixin
    VerboseOption verbosity;

    @Option(names = "--chat", defaultValue = "mcp", paramLabel = "ID",
            description = "The chat whose code artifact the tools work on (default: ${DEFAULT-VALUE}).")
    String chat;

    @Override
    public Integer call() throws Exception {
        storage.validate(spec.commandLine());
        StoreOptions.requireChat(spec.commandLine(), chat);
        var err = spec.commandLine().getErr();
        String version = new Main.Version().getVersion()[0].replace("gapless ", "");
        try (StoreOptions.Storage open = storage.open(err, 18);
             ToolExecutor executor = ToolExecutor.builder(open.store(), chat).build();
             McpToolServer server = McpToolServer.start(executor, version, System.in, System.out)) {
            server.awaitInputClosed();
        }
        return 0;
    }
}
