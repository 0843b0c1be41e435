package dev.gapless.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.Schema;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database with the Gapless schema and a pool sized for the benchmark's writers (docs/architecture.md,
 * trap 7: a writer waiting for a lock holds its connection, so the pool gets one connection per JMH thread plus two
 * spare).
 *
 * <p>The server is, in this order: the one named by the system property {@value #JDBC_URL_PROPERTY} (how
 * {@code ShortProfile} hands its one embedded server to every forked JVM), the one named by the environment
 * variable {@code GAPLESS_JDBC_URL}, or an embedded PostgreSQL 17 started by this JVM ({@code synchronous_commit=on}).
 */
final class BenchDatabase implements AutoCloseable {

    /** System property: JDBC URL of the maintenance database of an already running server. */
    static final String JDBC_URL_PROPERTY = "gapless.bench.jdbc-url";
    /** System property: user for {@link #JDBC_URL_PROPERTY}. */
    static final String USER_PROPERTY = "gapless.bench.jdbc-user";
    /** System property: password for {@link #JDBC_URL_PROPERTY}. */
    static final String PASSWORD_PROPERTY = "gapless.bench.jdbc-password";

    private static PostgresServer server;

    private final TestDatabase database;
    private final HikariDataSource dataSource;

    private BenchDatabase(TestDatabase database, HikariDataSource dataSource) {
        this.database = database;
        this.dataSource = dataSource;
    }

    /**
     * Creates a database and applies the schema.
     *
     * @param prefix  readable part of the database name
     * @param writers the number of concurrent writers (JMH threads)
     * @return the database; close it to drop it
     */
    static BenchDatabase create(String prefix, int writers) {
        TestDatabase database = server().createDatabase("bench_" + prefix);
        try {
            HikariDataSource dataSource = database.newDataSource(writers + 2);
            Schema.apply(dataSource);
            return new BenchDatabase(database, dataSource);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    static synchronized PostgresServer server() {
        if (server == null) {
            String url = System.getProperty(JDBC_URL_PROPERTY);
            server = url == null || url.isBlank() ? PostgresServer.shared()
                    : PostgresServer.external(url, System.getProperty(USER_PROPERTY, "postgres"),
                            System.getProperty(PASSWORD_PROPERTY, ""));
        }
        return server;
    }

    HikariDataSource dataSource() {
        return dataSource;
    }

    /**
     * Inserts the artifact that the plain-JDBC baselines all write to, with plain SQL, so that no Gapless code is on
     * their path.
     *
     * @return its id
     * @throws SQLException if the insert fails
     */
    UUID insertHotArtifact() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("INSERT INTO artifacts (chat_id, type, title)"
                     + " VALUES ('bench-hot', 'code', 'hot artifact') RETURNING id")) {
            r.next();
            return r.getObject(1, UUID.class);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
