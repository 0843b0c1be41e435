package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisabledIfEnvironmentVariable(named = PostgresServer.ENV_JDBC_URL, matches = ".+",
        disabledReason = "GAPLESS_JDBC_URL is set, so the shared server is external, not embedded")
class EmbeddedPostgresServerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    @Test
    void sharedEmbeddedServerIsPostgres17() throws Exception {
        assertThat(PG.server().majorVersion()).isEqualTo(17);
        assertThat(Integer.parseInt(Sql.queryString(PG.dataSource(), "SHOW server_version_num")))
                .isBetween(170000, 179999);
        assertThat(PG.server().describe()).startsWith("embedded PostgreSQL 17.");
    }

    @Test
    void embeddedServerOverridesZonkyDurabilityDefaults() throws Exception {
        assertThat(Sql.queryString(PG.dataSource(), "SHOW synchronous_commit")).isEqualTo("on");
        assertThat(Sql.queryString(PG.dataSource(), "SHOW fsync")).isEqualTo("on");
        assertThat(Sql.queryString(PG.dataSource(), "SHOW max_connections")).isEqualTo("400");
        assertThat(Sql.queryString(PG.dataSource(), "SHOW TimeZone")).isIn("UTC", "Etc/UTC");
    }

    @Test
    void sharedReturnsOneServerWhoseCloseIsANoOp() throws Exception {
        PostgresServer server = PostgresServer.shared();
        assertThat(PostgresServer.shared()).isSameAs(server).isSameAs(PG.server());

        server.close();

        assertThat(Sql.queryString(PG.dataSource(), "SELECT 1")).isEqualTo("1");
        try (TestDatabase db = server.createDatabase("after_close")) {
            assertThat(Sql.queryString(db.dataSource(), "SELECT 2")).isEqualTo("2");
        }
    }
}
