package dev.gapless.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PgBouncer process in <em>transaction</em> pooling mode in front of a {@link PostgresServer}, listening on a
 * free loopback port, for tests of what pooled connections do to an application: several clients share one server
 * connection, a client's transactions may each run on a different one, and session state (server-side prepared
 * statements, {@code SET SESSION …}) stays with the server connection, where the next client finds it.
 *
 * <pre>{@code
 * @RequiresPgBouncer // skips, saying why, where pgbouncer is not installed
 * class ThroughPgBouncerTest {
 *     @Test
 *     void appends() {
 *         try (PgBouncer bouncer = PgBouncer.inFrontOf(PostgresServer.shared()).poolSize(4).start();
 *              TestDatabase db = bouncer.server().createDatabase("through_bouncer")) { // pools go through it
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The configuration is the one pgjdbc needs with PgBouncer 1.18 (Debian 12's): {@code pool_mode = transaction},
 * {@code ignore_startup_parameters = extra_float_digits} (pgjdbc sends that startup parameter, which PgBouncer
 * otherwise refuses), and on the client side {@value #JDBC_PARAMETERS} in every URL ({@link #jdbcUrl(String)}):
 * PgBouncer before 1.21 does not track prepared statements, so pgjdbc's named server-side statements ({@code S_1},
 * {@code S_2}, …, used from the fifth execution of a statement on) would be looked up on whichever server connection
 * the transaction got. Clients log in with the server's {@link PostgresServer#user() user} and
 * {@link PostgresServer#password() password} ({@code auth_type = scram-sha-256}, loopback only), as PgBouncer does to
 * the server, so no other local user gets through it.
 *
 * <p>Thread-safety: safe to share; {@link #close()} may race with nothing but itself (idempotent).
 */
public final class PgBouncer implements AutoCloseable {

    /** What every client URL needs behind PgBouncer before 1.21: no named server-side prepared statements. */
    public static final String JDBC_PARAMETERS = "prepareThreshold=0";

    /** Environment variable naming the {@code pgbouncer} executable, when it is not on the usual paths. */
    public static final String ENV_EXECUTABLE = "GAPLESS_PGBOUNCER";

    /** Reason given by tests skipped because {@link #installed()} is false (see {@link RequiresPgBouncer}). */
    public static final String NOT_INSTALLED_REASON = "pgbouncer is not installed (Debian/Ubuntu: apt-get install "
            + "pgbouncer; or set " + ENV_EXECUTABLE + " to its path): PgBouncer tests skipped";

    private static final Logger LOG = LoggerFactory.getLogger(PgBouncer.class);
    private static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"),
            Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/sbin"), Path.of("/bin"));
    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^/:,?]+)(?::(\\d+))?/");
    private static final String LOOPBACK = PgBouncerProcess.LOOPBACK;

    private final PostgresServer backend;
    private final int poolSize;
    private final Path directory;
    private final Process process;
    private final int port;
    private final Thread shutdownHook;
    private final Object closeLock = new Object();
    private boolean closed;

    private PgBouncer(PostgresServer backend, int poolSize, Path directory, Process process, int port) {
        this.backend = backend;
        this.poolSize = poolSize;
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.shutdownHook = new Thread(this::stop, "gapless-pgbouncer-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Finds the {@code pgbouncer} executable: {@value #ENV_EXECUTABLE} if set, else the {@code PATH}, else the
     * system directories ({@code /usr/sbin} first, where Debian installs it). Thread-safety: safe.
     *
     * @return its path, or empty when PgBouncer is not installed
     */
    public static Optional<Path> executable() {
        String override = System.getenv(ENV_EXECUTABLE);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override.trim());
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        List<Path> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    directories.add(Path.of(entry));
                }
            }
        }
        directories.addAll(SYSTEM_DIRECTORIES);
        return find("pgbouncer", directories);
    }

    /** The first executable {@code name} in {@code directories}. */
    static Optional<Path> find(String name, List<Path> directories) {
        return directories.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    /**
     * Whether a {@code pgbouncer} executable was found (see {@link #executable()}); tests skip with
     * {@link #NOT_INSTALLED_REASON} when not. Thread-safety: safe.
     *
     * @return whether PgBouncer can be started
     */
    public static boolean installed() {
        return executable().isPresent();
    }

    /**
     * Starts configuring a PgBouncer in front of {@code server}. Thread-safety: safe.
     *
     * @param server the PostgreSQL server the pool connects to (one host, as its JDBC URL names it)
     * @return a builder; not thread-safe
     * @throws NullPointerException if {@code server} is {@code null}
     */
    public static Builder inFrontOf(PostgresServer server) {
        return new Builder(Objects.requireNonNull(server, "server"));
    }

    /**
     * Returns the loopback port PgBouncer listens on. Thread-safety: safe.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the server connections PgBouncer keeps per database and user ({@code default_pool_size}).
     * Thread-safety: safe.
     *
     * @return the pool size
     */
    public int poolSize() {
        return poolSize;
    }

    /**
     * Returns the JDBC URL of {@code database} through PgBouncer, with {@value #JDBC_PARAMETERS}. Thread-safety: safe.
     *
     * @param database a database of the server behind PgBouncer (any name: PgBouncer forwards every database)
     * @return e.g. {@code jdbc:postgresql://127.0.0.1:40123/app?prepareThreshold=0}
     */
    public String jdbcUrl(String database) {
        return jdbcUrlAsIs(database) + "?" + JDBC_PARAMETERS;
    }

    /**
     * Returns the JDBC URL of {@code database} through PgBouncer with pgjdbc's defaults, that is with named
     * server-side prepared statements: what a user who did not configure pgjdbc for PgBouncer would have.
     * Thread-safety: safe.
     *
     * @param database a database of the server behind PgBouncer
     * @return e.g. {@code jdbc:postgresql://127.0.0.1:40123/app}
     */
    public String jdbcUrlAsIs(String database) {
        return "jdbc:postgresql://" + LOOPBACK + ":" + port + "/" + Objects.requireNonNull(database, "database");
    }

    /**
     * Returns the server behind PgBouncer as reached through it: databases it creates live on the server, and the
     * pools of those databases connect through PgBouncer (with {@value #JDBC_PARAMETERS}). Its {@code close()}
     * does nothing. Thread-safety: safe.
     *
     * @return the server, through PgBouncer
     */
    public PostgresServer server() {
        return PostgresServer.external(jdbcUrl("postgres"), backend.user(), backend.password());
    }

    /**
     * Returns what PgBouncer has logged so far, for diagnosis. Thread-safety: safe.
     *
     * @return the log text, or a note saying why it cannot be read
     */
    public String log() {
        try {
            return Files.readString(directory.resolve("pgbouncer.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops PgBouncer (SIGTERM, SIGKILL after 10 s) and deletes its configuration directory. Idempotent; never
     * throws. Thread-safety: safe.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs stop() itself
        }
        stop();
    }

    @Override
    public String toString() {
        return "PgBouncer[transaction pooling on " + LOOPBACK + ":" + port + ", pool size " + poolSize + ", in front of "
                + backend.describe() + "]";
    }

    private void stop() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        PgBouncerProcess.terminate(process);
        deleteQuietly(directory);
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}", directory, e);
        }
    }

    /** Configures and starts a {@link PgBouncer}. Not thread-safe. */
    public static final class Builder {
        private final PostgresServer backend;
        private int poolSize = 20;
        private int maxClientConnections = 1000;

        private Builder(PostgresServer backend) {
            this.backend = backend;
        }

        /**
         * Sets the server connections per database and user ({@code default_pool_size}, default 20). Fewer server
         * connections than clients is what makes transaction pooling visible.
         *
         * @param size at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code size < 1}
         */
        public Builder poolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("pool size must be >= 1: " + size);
            }
            this.poolSize = size;
            return this;
        }

        /**
         * Sets how many client connections PgBouncer accepts ({@code max_client_conn}, default 1000).
         *
         * @param connections at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code connections < 1}
         */
        public Builder maxClientConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("max client connections must be >= 1: " + connections);
            }
            this.maxClientConnections = connections;
            return this;
        }

        /**
         * Writes the configuration into a new temporary directory and starts PgBouncer on a free loopback port,
         * waiting until it listens. As root, PgBouncer (which refuses to run as root) is started with {@code -u}
         * as {@code postgres} if that user exists, else {@code nobody}.
         *
         * @return the running PgBouncer, which the caller must {@link PgBouncer#close() close}
         * @throws IllegalStateException if PgBouncer is not installed or does not start
         */
        public PgBouncer start() {
            Path executable = executable().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED_REASON));
            Matcher m = HOST_PORT.matcher(backend.jdbcUrl("postgres"));
            if (!m.find()) {
                throw new IllegalStateException("PgBouncer needs a single-host server URL: " + backend.describe());
            }
            String host = "localhost".equals(m.group(1)) ? LOOPBACK : m.group(1);
            int backendPort = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
            Path directory;
            try {
                directory = Files.createTempDirectory("gapless-pgbouncer-");
                // readable by the unprivileged user PgBouncer switches to when started as root; users.txt, which holds
                // the password, is that user's alone (0600)
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create PgBouncer's directory", e);
            }
            try {
                PgBouncerProcess.Launched launched = PgBouncerProcess.start(executable, directory, host, backendPort,
                        backend.user(), backend.password(), poolSize, maxClientConnections);
                return new PgBouncer(backend, poolSize, directory, launched.process(), launched.port());
            } catch (IllegalStateException e) {
                deleteQuietly(directory);
                throw e;
            }
        }
    }
}
