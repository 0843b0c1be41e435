package dev.gapless.cli;

import dev.gapless.mcp.ViewerServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gapless serve}: the web viewer, its JSON API and its live event streams, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a web viewer of the store: the artifacts of each chat, the timeline of their versions"
                + " (summary, tool-call id, files, time), the files of any version and what each version changed,"
                + " updating live as versions land. Open the printed URL in a browser; stop with Ctrl-C.",
            "The JSON API (/viewer/api/...) and its Server-Sent Events need 'Authorization: Bearer <token>'; the"
                + " page takes the token from the URL's #token=... fragment, which browsers never send to a server."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storage;

    @Mixin
    VerboseOption verbosity;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "The address to listen on (default: 127.0.0.1, this machine only).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "The port (default: 8766; 0 for any free port).")
    Integer port;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The bearer token (default: $"
            + BearerToken.VARIABLE + ", else one is generated and printed in the URL).")
    String token;

    @Override
    public Integer call() throws Exception {
        storage.validate(spec.commandLine());
        if (port != null && (port < 0 || port > 65_535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was "
                    + port);
        }
        BearerToken bearer = BearerToken.resolve(token, false, spec.commandLine());
        PrintWriter out = spec.commandLine().getOut();
        try (UntilStopped running = new UntilStopped("gapless-serve-shutdown");
             StoreOptions.Storage open = storage.open(spec.commandLine().getErr(), 8);
             ViewerServer server = start(open, host == null ? "127.0.0.1" : host, port == null ? 8766 : port,
                     bearer.value())) {
            out.println("viewer: " + server.url(bearer.value()));
            out.println(bearer.describe());
            out.flush();
            running.await();
        }
        return 0;
    }

    private static ViewerServer start(StoreOptions.Storage open, String host, int port, String token) {
        try {
            return ViewerServer.start(open.store(), host, port, token);
        } catch (Exception e) {
            throw new CommandFailedException("the viewer could not start on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }
}
