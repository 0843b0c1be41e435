package dev.gapless.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A zonky embedded PostgreSQL started by this JVM. A persistent one holds its data directory's
 * {@link DirectoryLock} from before {@code initdb} until after the server has stopped; see {@link ClusterDirectory}
 * for what happens to directories left by killed runs.
 */
final class EmbeddedBackend implements ServerBackend {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBackend.class);
    /** zonky's lock file inside a data directory. */
    static final String ZONKY_LOCK = "epg-lock";

    private final EmbeddedPostgres postgres;
    private final DirectoryLock lock;
    private final String description;

    private EmbeddedBackend(EmbeddedPostgres postgres, DirectoryLock lock, String description) {
        this.postgres = postgres;
        this.lock = lock;
        this.description = description;
    }

    /**
     * Starts a server on {@code dataDirectory}.
     *
     * @param dataDirectory absolute data directory
     * @param persistent    keep the data and reuse an existing cluster; otherwise the directory must be empty or
     *                      absent and is deleted on {@link #stop()}
     * @param lockWait      for a persistent directory, how long to wait while another process holds it
     * @throws DataDirectoryInUseException if a persistent directory stays held for {@code lockWait}
     * @throws IOException                 if the server cannot be started
     */
    static EmbeddedBackend start(Path dataDirectory, boolean persistent, Duration lockWait) throws IOException {
        long startNanos = System.nanoTime();
        if (!persistent) {
            return started(configured(dataDirectory).setCleanDataDirectory(true).start(), null, "temporary",
                    dataDirectory, startNanos);
        }
        Files.createDirectories(dataDirectory.getParent());
        DirectoryLock lock = DirectoryLock.acquire(dataDirectory, lockWait);
        try {
            ClusterDirectory.Outcome outcome = ClusterDirectory.prepare(dataDirectory, EmbeddedBackend::initialize);
            EmbeddedPostgres pg = configured(dataDirectory).setCleanDataDirectory(false).start();
            return started(pg, lock, outcome == ClusterDirectory.Outcome.NEW ? "new persistent"
                    : "reused persistent", dataDirectory, startNanos);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Runs initdb alone. zonky has no call for that, but it runs its data-directory customizer after initdb has
     * succeeded and before it starts the server, so a customizer that throws ends the start there, saving a start
     * and a stop. zonky has by then locked {@code epg-lock} in the directory and keeps that handle; the file is
     * deleted so that the server later started on the moved directory locks a new one. Windows cannot delete an
     * open file, so there the server is started and stopped once instead.
     */
    private static void initialize(Path emptyDirectory) throws IOException {
        EmbeddedPostgres.Builder builder = configured(emptyDirectory).setCleanDataDirectory(false);
        if (File.separatorChar == '\\') {
            builder.start().close();
            return;
        }
        try {
            builder.setDataDirectoryCustomizer(directory -> {
                throw new InitdbFinished();
            }).start().close(); // only if a zonky version no longer calls the customizer first: started, stopped
        } catch (InitdbFinished expected) {
            Files.deleteIfExists(emptyDirectory.resolve(ZONKY_LOCK));
        }
        if (Files.exists(emptyDirectory.resolve("postmaster.pid"))) {
            throw new IOException("a server still runs on the new cluster in " + emptyDirectory);
        }
    }

    /** Ends zonky's start once initdb has finished. */
    private static final class InitdbFinished extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InitdbFinished() {
            super("initdb finished", null, false, false);
        }
    }

    private static EmbeddedPostgres.Builder configured(Path dataDirectory) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "400")
                .setServerConfig("timezone", "UTC")
                .setPGStartupWait(Duration.ofSeconds(60));
    }

    private static EmbeddedBackend started(EmbeddedPostgres pg, DirectoryLock lock, String kind, Path dataDirectory,
            long startNanos) throws IOException {
        String version;
        try (Connection c = pg.getPostgresDatabase().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1).trim().split("\\s+")[0];
        } catch (SQLException e) {
            pg.close();
            throw new IOException("embedded PostgreSQL started but cannot be queried", e);
        }
        String description = "embedded PostgreSQL " + version + " on port " + pg.getPort() + " (" + kind
                + " data directory " + dataDirectory + ")";
        LOG.info("Started {} in {} ms", description, (System.nanoTime() - startNanos) / 1_000_000);
        return new EmbeddedBackend(pg, lock, description);
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database;
    }

    @Override
    public String adminDatabase() {
        return "postgres";
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return "";
    }

    @Override
    public String describe() {
        return description;
    }

    /** Stops the server, then releases the data directory. */
    @Override
    public void stop() {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not stop {}", description, e);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
