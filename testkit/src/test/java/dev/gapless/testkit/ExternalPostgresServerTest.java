package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = PostgresServer.ENV_JDBC_URL, matches = ".+",
        disabledReason = "GAPLESS_JDBC_URL not set: external PostgreSQL server tests skipped")
class ExternalPostgresServerTest {

    private static PostgresServer external() {
        String user = System.getenv(PostgresServer.ENV_JDBC_USER);
        return PostgresServer.external(System.getenv(PostgresServer.ENV_JDBC_URL),
                user == null ? "postgres" : user, System.getenv(PostgresServer.ENV_JDBC_PASSWORD));
    }

    @Test
    void sharedServerIsTheExternalOne() {
        assertThat(PostgresServer.shared().describe())
                .isEqualTo("external " + System.getenv(PostgresServer.ENV_JDBC_URL).trim());
    }

    @Test
    void createsUsesAndDropsADatabaseOnTheExternalServer() throws Exception {
        PostgresServer server = external();
        String name;
        try (TestDatabase db = server.createDatabase("external")) {
            name = db.name();
            Sql.execute(db.dataSource(), "CREATE TABLE t (v int)");
            Sql.execute(db.dataSource(), "INSERT INTO t VALUES (42)");
            assertThat(Sql.queryString(db.dataSource(), "SELECT v FROM t")).isEqualTo("42");
        }
        assertThat(Sql.databaseExists(server, name)).isFalse();
        assertThat(server.majorVersion()).isGreaterThanOrEqualTo(13);
    }
}
