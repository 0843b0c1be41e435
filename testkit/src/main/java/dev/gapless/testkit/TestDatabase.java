package dev.gapless.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database created by {@link PostgresServer#createDatabase(String)}; {@link #close()} drops it.
 *
 * <p>Pools handed out ({@link #dataSource()}, {@link #newDataSource(int)}) are HikariCP pools with
 * {@code minimumIdle=0}, {@code connectionTimeout=30s} and auto-commit on, and are closed by {@link #close()}.
 *
 * <p>Thread-safety: safe to share between threads; all methods may be called concurrently. Asking for a pool
 * after (or while) {@link #close()} runs fails with {@link IllegalStateException}.
 */
public final class TestDatabase implements AutoCloseable {

    /** Maximum pool size of {@link #dataSource()} unless configured otherwise. */
    public static final int DEFAULT_MAX_POOL_SIZE = 100;

    private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);

    private final PostgresServer server;
    private final String name;
    private final int defaultPoolSize;
    private final AtomicInteger poolCounter = new AtomicInteger();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private HikariDataSource dataSource;
    private boolean closed;

    TestDatabase(PostgresServer server, String name) {
        this(server, name, DEFAULT_MAX_POOL_SIZE);
    }

    TestDatabase(PostgresServer server, String name, int defaultPoolSize) {
        this.server = Objects.requireNonNull(server, "server");
        this.name = Objects.requireNonNull(name, "name");
        if (defaultPoolSize < 1) {
            throw new IllegalArgumentException("pool size must be >= 1: " + defaultPoolSize);
        }
        this.defaultPoolSize = defaultPoolSize;
    }

    /**
     * Returns the database name (a valid lower-case identifier). Thread-safety: safe.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the JDBC URL of this database, without credentials. Thread-safety: safe.
     *
     * @return the URL
     */
    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /**
     * Returns the server the database lives on. Thread-safety: safe.
     *
     * @return the server
     */
    public PostgresServer server() {
        return server;
    }

    /**
     * Returns this database's shared pool, created on first call (maximum pool size
     * {@value #DEFAULT_MAX_POOL_SIZE} unless configured otherwise). Do not close it; {@link #close()} does.
     *
     * <p>Thread-safety: safe; concurrent first calls create one pool.
     *
     * @return the shared pool
     * @throws IllegalStateException if this database is closed
     */
    public synchronized HikariDataSource dataSource() {
        checkOpen();
        if (dataSource == null) {
            dataSource = newDataSource(defaultPoolSize);
        }
        return dataSource;
    }

    /**
     * Creates a new, separate pool on this database, e.g. to give each simulated client its own connections.
     * The caller may close it early; otherwise {@link #close()} closes it.
     *
     * <p>Thread-safety: safe.
     *
     * @param maxPoolSize maximum number of connections, at least 1
     * @return the new pool
     * @throws IllegalStateException if this database is closed
     */
    public synchronized HikariDataSource newDataSource(int maxPoolSize) {
        checkOpen();
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be >= 1: " + maxPoolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl());
        config.setUsername(server.user());
        if (!server.password().isEmpty()) {
            config.setPassword(server.password());
        }
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(0);
        // set, not probed: HikariCP probes the driver's default once, and if that first backend dies mid-probe it
        // caches isolation -1 and every later connection fails (found by the chaos suite)
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setConnectionTimeout(30_000);
        config.setAutoCommit(true);
        config.setPoolName("gapless-" + name + "-" + poolCounter.incrementAndGet());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /**
     * Closes every pool this object created, terminates the database's remaining backends and drops it.
     * Idempotent. Failures to drop are logged, not thrown, so test teardown continues.
     *
     * <p>Thread-safety: safe; pool requests racing with it fail with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        List<HikariDataSource> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(pools);
            pools.clear();
            dataSource = null;
        }
        for (HikariDataSource pool : toClose) {
            try {
                pool.close();
            } catch (RuntimeException e) {
                LOG.warn("Could not close pool {}", pool.getPoolName(), e);
            }
        }
        try (Connection c = server.adminConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // drain
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            }
            LOG.debug("Dropped database {}", name);
        } catch (SQLException e) {
            LOG.warn("Could not drop database {} on {}", name, server.describe(), e);
        }
    }

    @Override
    public String toString() {
        return "TestDatabase[" + name + " on " + server.describe() + "]";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("database " + name + " is closed (dropped)");
        }
    }
}
