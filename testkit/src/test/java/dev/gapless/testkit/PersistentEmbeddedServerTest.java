package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

class PersistentEmbeddedServerTest {

    @TempDir
    Path tempDir;

    @Test
    void persistentServerKeepsDataAcrossRestarts() throws Exception {
        Path dataDir = tempDir.resolve("pgdata");
        int firstPort;
        try (PostgresServer server = PostgresServer.embedded(dataDir, true)) {
            firstPort = portOf(server);
            DataSource ds = adminDataSource(server);
            Sql.execute(ds, "CREATE TABLE kept (v text)");
            Sql.execute(ds, "INSERT INTO kept VALUES ('survives restart')");
            assertThat(server.describe()).startsWith("embedded PostgreSQL 17.").contains("new persistent");
        }
        assertThat(dataDir.resolve("PG_VERSION")).exists();

        try (PostgresServer server = PostgresServer.embedded(dataDir, true)) {
            DataSource ds = adminDataSource(server);
            assertThat(Sql.queryString(ds, "SELECT v FROM kept")).isEqualTo("survives restart");
            assertThat(Sql.queryString(ds, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(server.describe()).contains("reused persistent");
            assertThat(firstPort).isPositive();
        }
    }

    @Test
    void temporaryServerDeletesItsDataDirectoryOnClose() throws Exception {
        Path dataDir = tempDir.resolve("scratch");
        PostgresServer server = PostgresServer.embedded(dataDir, false);
        try (TestDatabase db = server.createDatabase("scratch")) {
            assertThat(Sql.queryString(db.dataSource(), "SHOW fsync")).isEqualTo("on");
        } finally {
            server.close();
        }
        assertThat(Files.exists(dataDir.resolve("PG_VERSION"))).isFalse();
    }

    private static DataSource adminDataSource(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server.jdbcUrl("postgres"));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return ds;
    }

    private static int portOf(PostgresServer server) {
        String url = server.jdbcUrl("postgres");
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.lastIndexOf('/')));
    }
}
