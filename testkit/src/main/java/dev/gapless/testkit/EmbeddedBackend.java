package dev.gapless.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL 17 (zonky's bundled binaries, run by {@link PostgresServerProcess}) started by this JVM.
 * Clients log in as {@code postgres} with the cluster's generated password ({@link ClusterAuth}) over 127.0.0.1;
 * no other local user gets in without reading the 0600 password file. A persistent one holds its data directory's
 * {@link DirectoryLock} from before {@code initdb} until after the server has stopped; see {@link ClusterDirectory}
 * for what happens to directories left by killed runs.
 */
final class EmbeddedBackend implements ServerBackend {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBackend.class);
    /** zonky's lock file inside a data directory, left there by gapless versions that started zonky's server. */
    static final String ZONKY_LOCK = "epg-lock";
    private static final Map<String, String> SETTINGS = Map.of("synchronous_commit", "on", "fsync", "on",
            "max_connections", "400", "timezone", "UTC", "password_encryption", "scram-sha-256");

    private final PostgresServerProcess server;
    private final Path dataDirectory;
    private final boolean temporary;
    private final DirectoryLock lock;
    private final String password;
    private final String description;
    private final Thread shutdownHook;
    private boolean stopped;

    private EmbeddedBackend(PostgresServerProcess server, Path dataDirectory, boolean temporary, DirectoryLock lock,
            String password, String description) {
        this.server = server;
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
        this.lock = lock;
        this.password = password;
        this.description = description;
        this.shutdownHook = new Thread(this::stop, "gapless-embedded-postgres-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a server on {@code dataDirectory}.
     *
     * @param dataDirectory absolute data directory
     * @param persistent    keep the data and reuse an existing cluster; otherwise the directory must be empty or
     *                      absent and is deleted on {@link #stop()}
     * @param lockWait      for a persistent directory, how long to wait while another process holds it
     * @throws DataDirectoryInUseException if a persistent directory stays held for {@code lockWait}
     * @throws IOException                 if the server cannot be started; the message has the server's own words
     */
    static EmbeddedBackend start(Path dataDirectory, boolean persistent, Duration lockWait) throws IOException {
        long startNanos = System.nanoTime();
        Path bin = PostgresBinaries.binDirectory();
        if (!persistent) {
            if (!ClusterDirectory.isEmpty(dataDirectory)) {
                throw new IllegalStateException(dataDirectory + " is not empty; a temporary server needs a new or"
                        + " empty directory.");
            }
            Files.createDirectories(dataDirectory);
            try {
                String password = ClusterAuth.newPassword();
                PostgresServerProcess.initdb(bin, dataDirectory, password);
                return started(bin, dataDirectory, true, null, "temporary", startNanos);
            } catch (IOException | RuntimeException e) {
                ClusterDirectory.deleteRecursively(dataDirectory);
                throw e;
            }
        }
        Files.createDirectories(dataDirectory.getParent());
        DirectoryLock lock = DirectoryLock.acquire(dataDirectory, lockWait);
        try {
            ClusterDirectory.Outcome outcome = ClusterDirectory.prepare(dataDirectory,
                    staging -> initialize(bin, staging));
            return started(bin, dataDirectory, false, lock, outcome == ClusterDirectory.Outcome.NEW
                    ? "new persistent" : "reused persistent", startNanos);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** initdb in an empty staging directory made by {@link ClusterDirectory}. */
    private static void initialize(Path bin, Path emptyDirectory) throws IOException {
        PostgresServerProcess.initdb(bin, emptyDirectory, ClusterAuth.newPassword());
    }

    private static EmbeddedBackend started(Path bin, Path dataDirectory, boolean temporary, DirectoryLock lock,
            String kind, long startNanos) throws IOException {
        String password = ClusterAuth.secure(bin, dataDirectory);
        PostgresServerProcess server = PostgresServerProcess.start(bin, dataDirectory, password, SETTINGS);
        String version;
        Properties props = new Properties();
        props.setProperty("user", ClusterAuth.SUPERUSER);
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(url(server.port(), "postgres"), props);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1).trim().split("\\s+")[0];
        } catch (SQLException e) {
            server.stop();
            throw new IOException("embedded PostgreSQL started but cannot be queried", e);
        }
        String description = "embedded PostgreSQL " + version + " on port " + server.port() + " (" + kind
                + " data directory " + dataDirectory + ")";
        LOG.info("Started {} in {} ms", description, (System.nanoTime() - startNanos) / 1_000_000);
        return new EmbeddedBackend(server, dataDirectory, temporary, lock, password, description);
    }

    private static String url(int port, String database) {
        return "jdbc:postgresql://" + PostgresServerProcess.HOST + ":" + port + "/" + database;
    }

    @Override
    public String jdbcUrl(String database) {
        return url(server.port(), database);
    }

    @Override
    public String adminDatabase() {
        return "postgres";
    }

    @Override
    public String user() {
        return ClusterAuth.SUPERUSER;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Stops the server, deletes a temporary directory, then releases a persistent one. Idempotent. */
    @Override
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException shuttingDown) {
            // the hook is running, or has
        }
        try {
            server.stop();
            if (temporary) {
                ClusterDirectory.deleteRecursively(dataDirectory);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not stop {}", description, e);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
