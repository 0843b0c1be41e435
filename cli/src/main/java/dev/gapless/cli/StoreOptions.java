package dev.gapless.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.AppendListener;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the command line keeps its data: an external PostgreSQL ({@code --jdbc-url}) or, by default, an embedded
 * PostgreSQL persisted under {@code --data-dir}, so that separate invocations see the same artifacts.
 */
final class StoreOptions {

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "PostgreSQL to use, e.g. jdbc:postgresql://localhost:5432/app. Default: embedded PostgreSQL"
                    + " persisted under --data-dir.")
    String jdbcUrl;

    @Option(names = "--user", defaultValue = "${env:GAPLESS_JDBC_USER:-postgres}",
            description = "Database user (default: $GAPLESS_JDBC_USER or postgres).")
    String user;

    @Option(names = "--password", defaultValue = "${env:GAPLESS_JDBC_PASSWORD:-}",
            description = "Database password (default: $GAPLESS_JDBC_PASSWORD or empty).")
    String password;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory of the embedded PostgreSQL (default: ~/.gapless/postgres).")
    Path dataDir;

    @Option(names = "--data-dir-wait", paramLabel = "DURATION", defaultValue = "PT30S",
            description = "How long to wait while another process uses --data-dir, ISO-8601 (default:"
                    + " ${DEFAULT-VALUE}; PT0S fails at once, naming that process).")
    Duration dataDirWait;

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = "row-lock",
            completionCandidates = RaceCommand.StrategyNames.class,
            description = "Write strategy (default: ${DEFAULT-VALUE}); one of: ${COMPLETION-CANDIDATES}.")
    String strategy;

    /**
     * Checks the options that can be checked without a database.
     *
     * @param commandLine for the usage error
     * @throws picocli.CommandLine.ParameterException if the data directory is empty, the strategy is unknown, the URL
     *     is not a PostgreSQL one or the wait is negative
     */
    void validate(picocli.CommandLine commandLine) {
        if (dataDir != null && dataDir.toString().isBlank()) {
            throw new picocli.CommandLine.ParameterException(commandLine,
                    "--data-dir must name a directory, was empty");
        }
        if (dataDirWait.isNegative()) {
            throw new picocli.CommandLine.ParameterException(commandLine,
                    "--data-dir-wait must not be negative, was " + dataDirWait);
        }
        if (WriteStrategy.lossyBaselineNames().contains(strategy.trim().toLowerCase(java.util.Locale.ROOT))) {
            throw new picocli.CommandLine.ParameterException(commandLine, "--strategy " + strategy + " is a lossy"
                    + " baseline that loses concurrent appends on purpose; only gapless race runs it, for comparison."
                    + " Pick one of: " + String.join(", ", WriteStrategy.names()));
        }
        try {
            WriteStrategy.named(strategy);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(commandLine, e.getMessage());
        }
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new picocli.CommandLine.ParameterException(commandLine,
                    "--jdbc-url must start with jdbc:postgresql:, was " + jdbcUrl);
        }
    }

    /**
     * Refuses a blank chat before anything starts.
     *
     * @param commandLine for the usage error
     * @param chat        the chat option's value
     * @throws picocli.CommandLine.ParameterException if it is blank
     */
    static void requireChat(picocli.CommandLine commandLine, String chat) {
        if (chat.isBlank()) {
            throw new picocli.CommandLine.ParameterException(commandLine, "--chat must not be blank");
        }
    }

    /** The default data directory. */
    static Path defaultDataDir() {
        return Paths.get(System.getProperty("user.home"), ".gapless", "postgres");
    }

    /**
     * Opens the store: starts the embedded server if needed, makes a pool, applies the schema.
     *
     * @param err         for progress lines
     * @param connections pool size
     * @throws IllegalArgumentException if the strategy is unknown
     * @throws CommandFailedException   if the database cannot be started or used; the message says why and what to do
     */
    Storage open(PrintWriter err, int connections) {
        return open(err, connections, AppendListener.NONE);
    }

    /**
     * Opens the store, as {@link #open(PrintWriter, int)}, with a listener of its appends (metrics).
     *
     * @param err         for progress lines
     * @param connections pool size
     * @param listener    hears the store's appends
     * @throws CommandFailedException if the database cannot be started or used
     */
    Storage open(PrintWriter err, int connections, AppendListener listener) {
        WriteStrategy writeStrategy = WriteStrategy.named(strategy);
        PostgresServer server = null;
        String url = jdbcUrl;
        String u = user;
        String p = password;
        if (url == null) {
            Path dir = dataDir != null ? dataDir : defaultDataDir();
            try (Progress ignored = Progress.start(err, "starting embedded PostgreSQL in " + dir)) {
                server = PostgresServer.embedded(dir, true, dataDirWait);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new CommandFailedException(e.getMessage(), e);
            }
            url = server.jdbcUrl("postgres");
            u = server.user();
            p = server.password();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(u);
        config.setPassword(p);
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(0);
        // set, not probed: HikariCP probes the driver's default once, and if that first backend dies mid-probe it
        // caches isolation -1 and every later connection fails (found by the chaos suite)
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setConnectionTimeout(30_000);
        config.setPoolName("gapless-cli");
        HikariDataSource pool = null;
        try {
            pool = new HikariDataSource(config);
            Schema.apply(pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            if (server != null) {
                server.close();
            }
            throw new CommandFailedException("cannot use the database at " + url + ": " + rootMessage(e), e);
        }
        ArtifactStore store = ArtifactStore.builder(pool).strategy(writeStrategy).listener(listener).build();
        return new Storage(store, pool, server);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /** An open store and what it needs closed. */
    record Storage(ArtifactStore store, HikariDataSource pool, PostgresServer server) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
            if (server != null) {
                server.close();
            }
        }
    }
}
