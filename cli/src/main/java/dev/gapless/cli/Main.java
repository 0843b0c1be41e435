package dev.gapless.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code gapless} command line. Results go to standard output; progress, logs and errors to standard error.
 *
 * <p>Exit codes: 0 success, 1 runtime failure (e.g. the database cannot be reached), 2 usage error.
 */
@Command(name = "gapless",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Concurrent, gap-free, append-only versioned writes to PostgreSQL.",
        subcommands = {RaceCommand.class, ExecCommand.class, HistoryCommand.class, McpCommand.class,
            CheckoutCommand.class, DiffCommand.class, RevertCommand.class, DeleteCommand.class, PruneCommand.class,
            ServeCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code of a failure at run time, such as an unreachable database. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of invalid command-line input. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * A configured command line, for {@link CommandLine#execute} in-process (tests set its out and err writers).
     *
     * @return a new command line; not thread-safe
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setParameterExceptionHandler(Main::usageError);
        commandLine.setExecutionExceptionHandler(Main::unexpectedError);
        commandLine.setExecutionStrategy(Main::refuseUnmatchedThenRun);
        return commandLine;
    }

    /**
     * picocli skips its check for unmatched arguments when --help or --version is given, so
     * {@code gapless checkout --version} printed the version and exited 0; an unknown command or argument is a usage
     * error whatever follows it.
     */
    private static int refuseUnmatchedThenRun(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (!p.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
            }
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** Without a subcommand: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** A short usage error: the message and a pointer to --help, not the whole usage text. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    /** A failure no command handled itself: one line, the stack trace only with --verbose. */
    private static int unexpectedError(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + (e instanceof CommandFailedException
                ? e.getMessage() : "unexpected failure: " + e));
        if (parseResult.originalArgs().contains("--verbose")) {
            e.printStackTrace(err);
        } else {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /** The project version, from a resource filtered by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"gapless " + properties.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
