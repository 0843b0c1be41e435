package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PgBouncer in transaction pooling mode, and the two traps it sets for pgjdbc: session state reaches other clients,
 * and named server-side prepared statements are looked up on whichever server connection a transaction gets.
 */
@RequiresPgBouncer
class PgBouncerTest {

    private static final int ROUNDS = 24;

    @Test
    void clientsTakeTurnsOnOneServerConnectionAndInheritItsSessionState() throws Exception {
        try (PgBouncer bouncer = PgBouncer.inFrontOf(PostgresServer.shared()).poolSize(1).start();
             Connection a = connect(bouncer.jdbcUrl("postgres"));
             Connection b = connect(bouncer.jdbcUrl("postgres"))) {
            assertThat(Sql.queryString(a, "SELECT pg_backend_pid()"))
                    .as("both clients are served by the pool's one server connection")
                    .isEqualTo(Sql.queryString(b, "SELECT pg_backend_pid()"));

            // what pgjdbc's setTransactionIsolation sends: a session setting, outside any transaction
            a.createStatement().execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            try {
                assertThat(Sql.queryString(b, "SHOW transaction_isolation"))
                        .as("another client's session setting, inherited with the server connection")
                        .isEqualTo("serializable");
            } finally {
                b.createStatement().execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
        }
    }

    @Test
    void aClientWithoutTheServersPasswordIsRefusedByPgBouncer() throws Exception {
        try (PgBouncer bouncer = PgBouncer.inFrontOf(PostgresServer.shared()).poolSize(1).start()) {
            Properties props = new Properties();
            props.setProperty("user", PostgresServer.shared().user());
            props.setProperty("password", "not-the-password");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> DriverManager.getConnection(bouncer.jdbcUrl("postgres"), props).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("SASL authentication failed");
            try (Connection c = connect(bouncer.jdbcUrl("postgres"))) {
                assertThat(Sql.queryString(c, "SELECT 1")).isEqualTo("1");
            }
        }
    }

    @Test
    void namedServerSideStatementsGoWrongWithoutPrepareThresholdZero() throws Exception {
        try (PgBouncer bouncer = PgBouncer.inFrontOf(PostgresServer.shared()).poolSize(2).start()) {
            List<String> anomalies = interleave(bouncer.jdbcUrlAsIs("postgres"));

            // from the fifth execution on, pgjdbc binds its statement "S_1" on whatever server connection the
            // transaction got: there "S_1" may be the other client's statement, run with this client's parameters,
            // and no error says so (elsewhere: 42P05 "S_1" already exists, 26000 "S_1" does not exist)
            assertThat(anomalies).as("answers from the other client's statement with pgjdbc's default "
                    + "prepareThreshold=5").anyMatch(anomaly -> anomaly.contains(" got '"));
        }
    }

    @Test
    void prepareThresholdZeroKeepsEveryClientOnItsOwnStatements() throws Exception {
        try (PgBouncer bouncer = PgBouncer.inFrontOf(PostgresServer.shared()).poolSize(2).start()) {
            assertThat(bouncer.jdbcUrl("postgres")).endsWith("?" + PgBouncer.JDBC_PARAMETERS);

            assertThat(interleave(bouncer.jdbcUrl("postgres"))).isEmpty();
        }
    }

    @Test
    void theServerReachedThroughPgBouncerCreatesDatabasesWhosePoolsUseIt() throws Exception {
        try (PgBouncer bouncer = PgBouncer.inFrontOf(PostgresServer.shared()).poolSize(2).start();
             TestDatabase db = bouncer.server().createDatabase("through_bouncer")) {
            assertThat(db.jdbcUrl()).contains(":" + bouncer.port() + "/").endsWith("?prepareThreshold=0");
            assertThat(Sql.queryString(db.newDataSource(4), "SELECT current_database()")).isEqualTo(db.name());
            assertThat(Sql.databaseExists(PostgresServer.shared(), db.name())).isTrue();
        }
    }

    @Test
    void theExecutableIsLookedForWhereItIs(@TempDir Path directory) throws Exception {
        assertThat(PgBouncer.find("pgbouncer", List.of(directory))).isEmpty();

        Path fake = Files.createFile(directory.resolve("pgbouncer"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertThat(PgBouncer.find("pgbouncer", List.of(directory.resolve("elsewhere"), directory))).contains(fake);
    }

    /**
     * Two clients, each with its own statement text, run transactions that overlap so that PgBouncer hands them
     * the two server connections in alternating order; returns every error and every answer that came from the
     * other client's statement.
     */
    private static List<String> interleave(String url) throws SQLException {
        List<String> anomalies = new ArrayList<>();
        try (Connection a = connect(url); Connection b = connect(url);
             PreparedStatement sa = a.prepareStatement("SELECT 'a:' || ?::text");
             PreparedStatement sb = b.prepareStatement("SELECT 'b:' || ?::text")) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int round = 0; round < ROUNDS; round++) {
                run(sa, "a", round, anomalies);
                run(sb, "b", round, anomalies);
                // whoever ends last frees the server connection the other gets next
                Connection first = round % 2 == 0 ? a : b;
                Connection second = first == a ? b : a;
                end(first);
                end(second);
            }
        }
        return anomalies;
    }

    private static void run(PreparedStatement statement, String client, int round, List<String> anomalies) {
        try {
            statement.setString(1, Integer.toString(round));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                String answer = rs.getString(1);
                if (!answer.equals(client + ":" + round)) {
                    anomalies.add("client " + client + " round " + round + " got '" + answer + "'");
                }
            }
        } catch (SQLException e) {
            anomalies.add("client " + client + " round " + round + ": " + e.getSQLState() + " " + e.getMessage());
        }
    }

    private static void end(Connection c) throws SQLException {
        try {
            c.commit();
        } catch (SQLException e) {
            c.rollback();
        }
    }

    private static Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", PostgresServer.shared().user());
        if (!PostgresServer.shared().password().isEmpty()) {
            props.setProperty("password", PostgresServer.shared().password());
        }
        return DriverManager.getConnection(url, props);
    }
}
