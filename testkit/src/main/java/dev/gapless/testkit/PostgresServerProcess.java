package dev.gapless.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One postmaster on an initialised data directory, started by this JVM from {@link PostgresBinaries}, listening on
 * 127.0.0.1 only with no Unix socket, and the {@code initdb} that makes such a directory. A postmaster that exits
 * while starting (disk full, a port taken, a bad setting) is reported at once with its own last lines, not after a
 * timeout.
 */
final class PostgresServerProcess {

    static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServerProcess.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int PORT_ATTEMPTS = 3;

    private final Path bin;
    private final Path dataDirectory;
    private final Process process;
    private final int port;

    private PostgresServerProcess(Path bin, Path dataDirectory, Process process, int port) {
        this.bin = bin;
        this.dataDirectory = dataDirectory;
        this.process = process;
        this.port = port;
    }

    /** A process builder for a PostgreSQL program, run as {@link PostgresBinaries#command} says. */
    static ProcessBuilder builder(Path bin, String program, List<String> arguments) {
        ProcessBuilder builder = new ProcessBuilder(PostgresBinaries.command(bin, program, arguments));
        builder.environment().remove("PGPASSWORD");
        builder.environment().put("LC_MESSAGES", "C");
        return builder;
    }

    /**
     * Creates a cluster in an empty directory whose superuser {@code postgres} logs in with {@code password}
     * (scram-sha-256; the password goes through a 0600 temporary file, deleted after), and writes the password file.
     *
     * @throws IOException with initdb's own output, if it fails
     */
    static void initdb(Path bin, Path emptyDirectory, String password) throws IOException {
        // not beside the directory: a run killed here must leave nothing there (it would not be the cluster's)
        Path passwordFile = Files.createTempFile("gapless-initdb-", ".pw"); // 0600 where files have modes
        Files.writeString(passwordFile, password + "\n");
        try {
            ServerOutput.run(builder(bin, "initdb", List.of("-A", "scram-sha-256", "-U", ClusterAuth.SUPERUSER,
                    "--pwfile=" + passwordFile, "-E", "UTF-8", "-D", emptyDirectory.toString())), "", "initdb");
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        ClusterAuth.writePrivate(emptyDirectory.resolve(ClusterAuth.PASSWORD_FILE), password + "\n");
    }

    /**
     * Starts the postmaster on a free port and waits until {@code postgres} can log in with {@code password}.
     *
     * @param settings server settings passed as {@code -c name=value}
     * @throws IOException with the server's own last lines, if it exits or does not accept logins within 60 s
     */
    static PostgresServerProcess start(Path bin, Path dataDirectory, String password, Map<String, String> settings)
            throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = freePort();
            List<String> arguments = new ArrayList<>(List.of("-D", dataDirectory.toString(), "-p",
                    Integer.toString(port), "-c", "listen_addresses=" + HOST, "-c", "unix_socket_directories="));
            settings.forEach((name, value) -> arguments.addAll(List.of("-c", name + "=" + value)));
            Process process = builder(bin, "postgres", arguments).redirectErrorStream(true).start();
            ServerOutput output = ServerOutput.follow(process, "postgres");
            try {
                awaitReady(process, output, port, password);
                return new PostgresServerProcess(bin, dataDirectory, process, port);
            } catch (IOException e) {
                process.destroyForcibly();
                last = e;
                if (!output.tail().contains("could not bind")) {
                    throw e;
                }
                LOG.info("port {} was taken meanwhile; trying another", port);
            }
        }
        throw last;
    }

    private static void awaitReady(Process process, ServerOutput output, int port, String password)
            throws IOException {
        long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
        SQLException lastRefusal = null;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException("PostgreSQL exited while starting (exit status " + process.exitValue()
                        + "): " + output.tail());
            }
            try (Connection ignored = connect(port, password)) {
                return;
            } catch (SQLException e) {
                lastRefusal = e;
                if ("28P01".equals(e.getSQLState())) {
                    throw new IOException("PostgreSQL refused the password in the data directory's "
                            + ClusterAuth.PASSWORD_FILE + ": " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while PostgreSQL started", e);
            }
        }
        throw new IOException("PostgreSQL did not accept connections within " + STARTUP_WAIT.toSeconds() + " s ("
                + (lastRefusal == null ? "" : lastRefusal.getMessage()) + "): " + output.tail());
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", ClusterAuth.SUPERUSER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        props.setProperty("ApplicationName", "gapless-testkit-startup");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/postgres", props);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** The port it listens on. */
    int port() {
        return port;
    }

    /** The postmaster's pid. */
    long pid() {
        return process.pid();
    }

    /**
     * Stops it with a fast shutdown ({@code pg_ctl stop -m fast}: clients are disconnected, every committed
     * transaction is kept), killing it if that fails or takes over 30 s.
     */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        try {
            ServerOutput.run(builder(bin, "pg_ctl", List.of("stop", "-D", dataDirectory.toString(), "-m", "fast",
                    "-w", "-t", "30")), "", "pg_ctl stop");
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("Could not stop PostgreSQL (pid {}) on {} with pg_ctl: {}", process.pid(), dataDirectory,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) {
            LOG.warn("Killing PostgreSQL (pid {}) on {}", process.pid(), dataDirectory);
            process.destroyForcibly();
        }
    }
}
