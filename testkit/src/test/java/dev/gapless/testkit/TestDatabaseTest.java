package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

    private final PostgresServer server = PostgresServer.shared();

    @Test
    void twoDatabasesAreDistinctAndIsolated() throws Exception {
        try (TestDatabase first = server.createDatabase("isolation");
             TestDatabase second = server.createDatabase("isolation")) {
            assertThat(first.name()).isNotEqualTo(second.name());
            assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl());

            Sql.execute(first.dataSource(), "CREATE TABLE t (v text)");
            Sql.execute(first.dataSource(), "INSERT INTO t VALUES ('only in first')");

            assertThat(Sql.queryString(first.dataSource(), "SELECT v FROM t")).isEqualTo("only in first");
            assertThat(Sql.queryString(second.dataSource(), "SELECT to_regclass('public.t')::text")).isNull();
            assertThatThrownBy(() -> Sql.queryString(second.dataSource(), "SELECT v FROM t"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("does not exist");
        }
    }

    @Test
    void closeDropsTheDatabaseEvenWithOpenConnections() throws Exception {
        TestDatabase db = server.createDatabase("drop_me");
        HikariDataSource extra = db.newDataSource(3);
        Connection pooled = db.dataSource().getConnection();
        Connection raw = server.connect(db.jdbcUrl());
        assertThat(Sql.databaseExists(server, db.name())).isTrue();

        db.close();

        assertThat(Sql.databaseExists(server, db.name())).isFalse();
        assertThat(extra.isClosed()).isTrue();
        assertThat(raw.isValid(2)).isFalse();
        pooled.close();
        raw.close();
        db.close(); // idempotent
        assertThatThrownBy(db::dataSource).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void dataSourceIsOneLazyPoolAndNewDataSourceIsSeparate() throws Exception {
        try (TestDatabase db = server.createDatabase("pools")) {
            HikariDataSource shared = db.dataSource();
            HikariDataSource separate = db.newDataSource(7);

            assertThat(db.dataSource()).isSameAs(shared);
            assertThat(separate).isNotSameAs(shared);
            assertThat(shared.getMaximumPoolSize()).isEqualTo(TestDatabase.DEFAULT_MAX_POOL_SIZE);
            assertThat(shared.getMinimumIdle()).isZero();
            assertThat(shared.isAutoCommit()).isTrue();
            assertThat(shared.getPoolName()).contains(db.name());
            assertThat(separate.getMaximumPoolSize()).isEqualTo(7);
            assertThat(Sql.queryString(separate, "SELECT current_database()")).isEqualTo(db.name());
        }
    }

    @Test
    void databaseNamesAreSanitizedValidIdentifiers() throws Exception {
        String longPrefix = "Weird-Name With $ymbols and Ünïcode " + "x".repeat(80);
        try (TestDatabase db = server.createDatabase(longPrefix)) {
            assertThat(db.name()).matches("[a-z_][a-z0-9_]*").hasSizeLessThanOrEqualTo(63)
                    .startsWith("weird_name_with__ymbols");
            assertThat(Sql.queryString(db.dataSource(), "SELECT current_database()")).isEqualTo(db.name());
        }
        assertThat(PostgresServer.uniqueDatabaseName("42")).startsWith("db_42_");
        assertThat(PostgresServer.uniqueDatabaseName("")).startsWith("db_");
    }

    @Test
    void externalJdbcUrlKeepsHostPortAndParametersButSwapsTheDatabase() {
        PostgresServer external = PostgresServer.external(
                "jdbc:postgresql://db.example:5433/maintenance?sslmode=disable", "alice", null);

        assertThat(external.jdbcUrl("other")).isEqualTo("jdbc:postgresql://db.example:5433/other?sslmode=disable");
        assertThat(external.user()).isEqualTo("alice");
        assertThat(external.password()).isEmpty();
        assertThat(external.describe()).isEqualTo("external jdbc:postgresql://db.example:5433/maintenance?sslmode=disable");
        assertThat(PostgresServer.databaseOf("jdbc:postgresql://h/postgres")).isEqualTo("postgres");
        assertThatThrownBy(() -> PostgresServer.external("jdbc:postgresql://h:5432", "u", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no database");
    }
}
