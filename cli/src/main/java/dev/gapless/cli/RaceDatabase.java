package dev.gapless.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The race's database: a fresh database on an embedded (temporary) or external server, dropped on {@link #close()}
 * together with the embedded server and its directory. If the JVM is stopped mid-race (Ctrl-C), zonky's own
 * shutdown hook stops an embedded server and deletes its directory, and ours drops the database on an external
 * server. Used from one thread.
 */
final class RaceDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaceDatabase.class);

    private final PostgresServer server;
    private final Path dataDirectory;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::cleanUp, "gapless-race-cleanup");
    private volatile TestDatabase database;

    private RaceDatabase(PostgresServer server, Path dataDirectory) {
        this.server = server;
        this.dataDirectory = dataDirectory;
        if (dataDirectory == null) {
            // embedded: a second hook would race zonky's, which stops the server and deletes the directory
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Starts an embedded PostgreSQL in a new temporary directory. */
    static RaceDatabase embedded() {
        Path directory;
        try {
            // empty, so zonky initializes a new cluster in it, and deletes it when the server stops
            directory = Files.createTempDirectory("gapless-race-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for embedded PostgreSQL", e);
        }
        LOG.info("Starting embedded PostgreSQL in {}", directory);
        try {
            return new RaceDatabase(PostgresServer.embedded(directory, false), directory);
        } catch (RuntimeException e) {
            deleteQuietly(directory);
            throw e;
        }
    }

    /**
     * Uses an existing server.
     *
     * @throws IllegalArgumentException if the URL is not a usable {@code jdbc:postgresql:} URL
     */
    static RaceDatabase external(String jdbcUrl, String user, String password) {
        return new RaceDatabase(PostgresServer.external(jdbcUrl, user, password), null);
    }

    String describe() {
        TestDatabase db = database;
        return (db == null ? "" : "database " + db.name() + " on ") + server.describe();
    }

    /**
     * Creates the race's database and returns a small pool on it for the schema and checks.
     *
     * @throws IllegalStateException if the server cannot be reached or refuses to create the database
     */
    DataSource open() {
        database = server.createDatabase("gapless_race");
        return database.newDataSource(2);
    }

    /** A pool with one connection per writer, opened up front so no writer pays for a connect during the race. */
    Pool writerPool(int writers) throws SQLException {
        HikariDataSource pool = database.newDataSource(writers);
        try {
            List<Connection> held = new ArrayList<>(writers);
            try {
                for (int i = 0; i < writers; i++) {
                    held.add(pool.getConnection());
                }
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Pool(pool);
    }

    @Override
    public void close() {
        cleanUp();
        if (dataDirectory == null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run; nothing left to do
            }
        }
    }

    private void cleanUp() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        TestDatabase db = database;
        if (db != null) {
            db.close();
        }
        server.close();
        if (dataDirectory != null && Files.exists(dataDirectory)) {
            deleteQuietly(dataDirectory);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.toString());
        }
    }

    /** A writer pool, closed after its run so that runs do not accumulate connections. */
    record Pool(HikariDataSource dataSource) implements AutoCloseable {
        @Override
        public void close() {
            dataSource.close();
        }
    }
}
