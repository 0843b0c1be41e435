package dev.gapless.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running PostgreSQL server on which tests, benchmarks and the command line create databases.
 *
 * <p>Obtain one with {@link #shared()} (JVM-wide, for tests), {@link #embedded(Path, boolean, Duration)} (an
 * embedded server on a given data directory, e.g. the CLI's persistent one) or
 * {@link #external(String, String, String)}.
 * Embedded servers run with {@code synchronous_commit=on}, {@code fsync=on}, {@code max_connections=400} and
 * {@code timezone=UTC} (zonky's defaults of {@code synchronous_commit=off} and {@code -F} are overridden).
 *
 * <p>Thread-safety: instances are immutable apart from their one-way stopped state and are safe to share
 * between threads; {@link #createDatabase(String)} may be called concurrently.
 */
public final class PostgresServer implements AutoCloseable {

    /** Environment variable naming an external server's maintenance-database JDBC URL. */
    public static final String ENV_JDBC_URL = "GAPLESS_JDBC_URL";
    /** Environment variable with the user for {@link #ENV_JDBC_URL}; default {@code postgres}. */
    public static final String ENV_JDBC_USER = "GAPLESS_JDBC_USER";
    /** Environment variable with the password for {@link #ENV_JDBC_URL}; default empty. */
    public static final String ENV_JDBC_PASSWORD = "GAPLESS_JDBC_PASSWORD";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final int MAX_IDENTIFIER_LENGTH = 63;
    private static final AtomicLong DATABASE_COUNTER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Object SHARED_LOCK = new Object();
    private static volatile PostgresServer shared;
    private static RuntimeException sharedFailure;

    private final ServerBackend backend;
    private final boolean ownsServer;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile int majorVersion;

    PostgresServer(ServerBackend backend, boolean ownsServer) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.ownsServer = ownsServer;
    }

    /**
     * Returns the JVM-wide server, starting it on first use: the external server named by
     * {@code GAPLESS_JDBC_URL} (with {@code GAPLESS_JDBC_USER}/{@code GAPLESS_JDBC_PASSWORD}) when that variable is
     * set, otherwise an embedded PostgreSQL 17 in a temporary directory. It is stopped by a shutdown hook;
     * its {@link #close()} does nothing. A failed start is remembered and rethrown on later calls.
     *
     * <p>Thread-safety: safe; concurrent first calls start exactly one server.
     *
     * @return the shared server
     * @throws IllegalStateException if the server could not be started
     */
    public static PostgresServer shared() {
        PostgresServer result = shared;
        if (result != null) {
            return result;
        }
        synchronized (SHARED_LOCK) {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new IllegalStateException("shared PostgreSQL server failed to start earlier in this JVM",
                        sharedFailure);
            }
            try {
                String url = System.getenv(ENV_JDBC_URL);
                ServerBackend backend;
                if (url != null && !url.isBlank()) {
                    backend = new ExternalBackend(url.trim(), envOrDefault(ENV_JDBC_USER, "postgres"),
                            envOrDefault(ENV_JDBC_PASSWORD, ""));
                } else {
                    backend = EmbeddedBackend.start(Files.createTempDirectory("gapless-pg-"), false, Duration.ZERO);
                }
                PostgresServer server = new PostgresServer(backend, false);
                Runtime.getRuntime().addShutdownHook(new Thread(backend::stop, "gapless-postgres-shutdown"));
                LOG.info("Shared PostgreSQL for this JVM: {}", backend.describe());
                shared = server;
                return server;
            } catch (IOException | RuntimeException e) {
                sharedFailure = e instanceof RuntimeException ? (RuntimeException) e : new UncheckedIOException(
                        (IOException) e);
                throw new IllegalStateException("could not start the shared PostgreSQL server: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Starts an embedded PostgreSQL server as {@link #embedded(Path, boolean, Duration)} does, failing at once if
     * another process holds a persistent directory.
     *
     * @param dataDirectory data directory, created if absent
     * @param persistent whether the data survives {@link #close()}
     * @return the started server, which the caller must {@link #close()}
     * @throws DataDirectoryInUseException if a persistent directory is held by another process
     * @throws IllegalStateException if the server could not be started
     */
    public static PostgresServer embedded(Path dataDirectory, boolean persistent) {
        return embedded(dataDirectory, persistent, Duration.ZERO);
    }

    /**
     * Starts an embedded PostgreSQL server (the bundled zonky binaries, version 17) on a free port using the
     * given data directory.
     *
     * <p>Without {@code persistent} a new cluster is created (the directory must be empty or absent) and deleted on
     * close. With it the directory is kept on {@link #close()} and an existing cluster in it is reused, and the
     * directory survives a process killed at any moment:
     * <ul>
     *   <li>one process at a time uses it, by an OS lock on {@code <dir>.lock} next to it, released whenever that
     *       process ends; another waits up to {@code lockWait}, then fails with a
     *       {@link DataDirectoryInUseException} naming the holder's pid and command;</li>
     *   <li>a new cluster is initialised in a staging directory next to it and moved into place once complete, so
     *       a kill during {@code initdb} leaves only a staging directory, which the next start deletes (a cluster
     *       left unfinished in place by an older version is moved aside to {@code <dir>.unfinished-<time>});</li>
     *   <li>a server left running by a process that was killed ({@code postmaster.pid} names a live
     *       {@code postgres -D <dir>}) is stopped before the new one starts.</li>
     * </ul>
     *
     * <p>Thread-safety: safe; each call starts its own server. Two servers on one persistent directory in one
     * JVM are refused like two processes are.
     *
     * @param dataDirectory data directory, created if absent
     * @param persistent whether the data survives {@link #close()}
     * @param lockWait how long to wait while another process holds a persistent directory; zero fails at once
     * @return the started server, which the caller must {@link #close()}
     * @throws DataDirectoryInUseException if a persistent directory is still held by another process after
     *     {@code lockWait}
     * @throws IllegalArgumentException if {@code lockWait} is negative
     * @throws IllegalStateException if the server could not be started; the message says why and what to do
     */
    public static PostgresServer embedded(Path dataDirectory, boolean persistent, Duration lockWait) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("lockWait must not be negative: " + lockWait);
        }
        Path directory = dataDirectory.toAbsolutePath().normalize();
        if (directory.getParent() == null) {
            throw new IllegalArgumentException("the data directory cannot be a file-system root: " + directory);
        }
        try {
            ServerBackend backend = EmbeddedBackend.start(directory, persistent, lockWait);
            return new PostgresServer(backend, true);
        } catch (DataDirectoryInUseException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL on " + dataDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Uses an already running server. Nothing is contacted until a database is created or the version asked.
     *
     * <p>Thread-safety: safe.
     *
     * @param jdbcUrl JDBC URL of the maintenance database used to CREATE/DROP databases, e.g.
     *     {@code jdbc:postgresql://localhost:5432/postgres}
     * @param user a user allowed to create databases
     * @param password its password, or empty/{@code null} for none
     * @return a server whose {@link #close()} does nothing
     */
    public static PostgresServer external(String jdbcUrl, String user, String password) {
        return new PostgresServer(new ExternalBackend(jdbcUrl, user, password == null ? "" : password), false);
    }

    /**
     * Returns the JDBC URL of a database on this server; credentials are not included (use {@link #user()} and
     * {@link #password()}). Thread-safety: safe.
     *
     * @param database database name
     * @return the JDBC URL
     */
    public String jdbcUrl(String database) {
        return backend.jdbcUrl(Objects.requireNonNull(database, "database"));
    }

    /**
     * Returns the user tests connect as. Thread-safety: safe.
     *
     * @return the user name
     */
    public String user() {
        return backend.user();
    }

    /**
     * Returns the password of {@link #user()}, empty when none. Thread-safety: safe.
     *
     * @return the password
     */
    public String password() {
        return backend.password();
    }

    /**
     * Describes this server for logs, e.g. {@code embedded PostgreSQL 17.6 on port 54321 (data ...)} or
     * {@code external jdbc:postgresql://host:5432/postgres}. Thread-safety: safe.
     *
     * @return the description
     */
    public String describe() {
        return backend.describe();
    }

    /**
     * Returns the server's major version (e.g. 17), queried once and cached. Thread-safety: safe.
     *
     * @return the major version
     * @throws IllegalStateException if the server cannot be queried
     */
    public int majorVersion() {
        int v = majorVersion;
        if (v == 0) {
            try (Connection c = adminConnection();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW server_version_num")) {
                rs.next();
                v = Integer.parseInt(rs.getString(1).trim()) / 10000;
                majorVersion = v;
            } catch (SQLException e) {
                throw new IllegalStateException("could not query the version of " + describe(), e);
            }
        }
        return v;
    }

    /**
     * Creates a new, empty database with a unique name derived from {@code prefix}: lower-cased, every character
     * other than {@code [a-z0-9_]} replaced by {@code _}, truncated, then suffixed with a counter and random part,
     * so the name is a valid unquoted identifier of at most 63 characters and does not collide with databases
     * made by other JVMs on the same server.
     *
     * <p>Thread-safety: safe to call concurrently.
     *
     * @param prefix readable part of the name, e.g. the test class name
     * @return the new database; the caller must {@link TestDatabase#close() close} it to drop it
     * @throws IllegalStateException if the database could not be created
     */
    public TestDatabase createDatabase(String prefix) {
        return createDatabase(prefix, TestDatabase.DEFAULT_MAX_POOL_SIZE);
    }

    /** As {@link #createDatabase(String)}, with the given maximum size for {@link TestDatabase#dataSource()}. */
    TestDatabase createDatabase(String prefix, int defaultPoolSize) {
        if (defaultPoolSize < 1) {
            throw new IllegalArgumentException("pool size must be >= 1: " + defaultPoolSize);
        }
        checkRunning();
        String name = uniqueDatabaseName(prefix);
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + describe(), e);
        }
        LOG.debug("Created database {} on {}", name, describe());
        return new TestDatabase(this, name, defaultPoolSize);
    }

    /**
     * Stops the server if this object started it ({@link #embedded(Path, boolean)}); does nothing for
     * {@link #shared()} and {@link #external(String, String, String)}. Idempotent. Databases still open are not
     * dropped first. Thread-safety: safe.
     */
    @Override
    public void close() {
        if (ownsServer && stopped.compareAndSet(false, true)) {
            backend.stop();
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + describe() + "]";
    }

    /** Opens a connection to the maintenance database; package-private for {@link TestDatabase}. */
    Connection adminConnection() throws SQLException {
        return connect(backend.jdbcUrl(backend.adminDatabase()));
    }

    /** Opens a plain (unpooled) connection to the given URL as {@link #user()}. */
    Connection connect(String jdbcUrl) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", backend.user());
        if (!backend.password().isEmpty()) {
            props.setProperty("password", backend.password());
        }
        props.setProperty("ApplicationName", "gapless-testkit");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    private void checkRunning() {
        if (stopped.get()) {
            throw new IllegalStateException("server is closed: " + describe());
        }
    }

    static String uniqueDatabaseName(String prefix) {
        String base = Objects.requireNonNullElse(prefix, "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0)) && base.charAt(0) != '_') {
            base = "db_" + base;
        }
        String suffix = "_" + DATABASE_COUNTER.incrementAndGet() + "_"
                + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36).substring(0, 6).toLowerCase(Locale.ROOT);
        int room = MAX_IDENTIFIER_LENGTH - suffix.length();
        if (base.length() > room) {
            base = base.substring(0, room);
        }
        return base + suffix;
    }

    private static String envOrDefault(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /** Rewrites the database of a {@code jdbc:postgresql:} URL, keeping host, port and parameters. */
    static String replaceDatabase(String jdbcUrl, String database) {
        int[] span = databaseSpan(jdbcUrl);
        return jdbcUrl.substring(0, span[0]) + database + jdbcUrl.substring(span[1]);
    }

    /** Returns the database named in a {@code jdbc:postgresql:} URL. */
    static String databaseOf(String jdbcUrl) {
        int[] span = databaseSpan(jdbcUrl);
        return jdbcUrl.substring(span[0], span[1]);
    }

    /** Start (inclusive) and end (exclusive) of the database name in the URL. */
    private static int[] databaseSpan(String jdbcUrl) {
        String hostPrefix = "jdbc:postgresql://";
        String shortPrefix = "jdbc:postgresql:";
        int start;
        if (jdbcUrl.startsWith(hostPrefix)) {
            int slash = jdbcUrl.indexOf('/', hostPrefix.length());
            int query = jdbcUrl.indexOf('?', hostPrefix.length());
            start = slash < 0 || query >= 0 && query < slash ? -1 : slash + 1;
        } else if (jdbcUrl.startsWith(shortPrefix)) {
            start = shortPrefix.length();
        } else {
            throw new IllegalArgumentException("not a jdbc:postgresql: URL: " + jdbcUrl);
        }
        int query = start < 0 ? -1 : jdbcUrl.indexOf('?', start);
        int end = query < 0 ? jdbcUrl.length() : query;
        if (start < 0 || start == end) {
            throw new IllegalArgumentException("JDBC URL names no database (expected e.g. "
                    + "jdbc:postgresql://localhost:5432/postgres): " + jdbcUrl);
        }
        return new int[] {start, end};
    }

    /** A server reached by URL; the URL's database is the maintenance database. */
    static final class ExternalBackend implements ServerBackend {
        private final String adminUrl;
        private final String adminDatabase;
        private final String user;
        private final String password;
        private final String description;

        ExternalBackend(String adminUrl, String user, String password) {
            this(adminUrl, user, password, "external " + adminUrl);
        }

        ExternalBackend(String adminUrl, String user, String password, String description) {
            this.adminUrl = Objects.requireNonNull(adminUrl, "jdbcUrl");
            this.adminDatabase = databaseOf(adminUrl);
            this.user = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password");
            this.description = description;
        }

        @Override
        public String jdbcUrl(String database) {
            return replaceDatabase(adminUrl, database);
        }

        @Override
        public String adminDatabase() {
            return adminDatabase;
        }

        @Override
        public String user() {
            return user;
        }

        @Override
        public String password() {
            return password;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public void stop() {
            // not ours to stop
        }
    }
}
