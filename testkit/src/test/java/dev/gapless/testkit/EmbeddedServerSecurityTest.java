package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Issue 18, items 2, 3 and 13: who can log in to the embedded server, run its binaries, and what a failed start says. */
class EmbeddedServerSecurityTest {

    @TempDir
    Path tempDir;

    @Test
    void embeddedServerRefusesLoginsWithoutItsPasswordAndHasNoUnixSocket() throws Exception {
        Path dataDir = tempDir.resolve("pgdata");
        try (PostgresServer server = PostgresServer.embedded(dataDir, true)) {
            assertThat(server.password()).hasSize(32);
            assertThatThrownBy(() -> login(server, null)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no password was provided");
            assertThatThrownBy(() -> login(server, "postgres")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            DataSource ds = dataSource(server);
            assertThat(Sql.queryString(ds, "SHOW unix_socket_directories")).isEmpty();
            assertThat(Sql.queryString(ds, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(Sql.queryString(ds, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> "
                    + "'scram-sha-256'")).isEqualTo("0");
        }
        Path passwordFile = dataDir.resolve(ClusterAuth.PASSWORD_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        assertThat(Files.readString(dataDir.resolve("pg_hba.conf"))).doesNotContain("trust");
    }

    @Test
    void clusterMadeWithTrustByAnOlderVersionGetsAPasswordOnItsFirstStart() throws Exception {
        Path bin = PostgresBinaries.binDirectory();
        Path dataDir = tempDir.resolve("legacy");
        ServerOutput.run(PostgresServerProcess.builder(bin, "initdb", List.of("-A", "trust", "-U", "postgres",
                "-D", dataDir.toString())), "", "initdb");
        assertThat(dataDir.resolve(ClusterAuth.PASSWORD_FILE)).doesNotExist();

        try (PostgresServer server = PostgresServer.embedded(dataDir, true)) {
            assertThat(server.describe()).contains("reused persistent");
            assertThatThrownBy(() -> login(server, null)).isInstanceOf(SQLException.class);
            assertThat(Sql.queryString(dataSource(server), "SELECT 1")).isEqualTo("1");
        }
        try (PostgresServer again = PostgresServer.embedded(dataDir, true)) {
            assertThat(Sql.queryString(dataSource(again), "SELECT 2")).isEqualTo("2");
        }
    }

    @Test
    void passwordFileReadableByOthersIsRefused() throws Exception {
        Path dataDir = tempDir.resolve("exposed");
        PostgresServer.embedded(dataDir, true).close();
        Path passwordFile = dataDir.resolve(ClusterAuth.PASSWORD_FILE);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> PostgresServer.embedded(dataDir, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(passwordFile.toString()).hasMessageContaining("chmod 600");
    }

    @Test
    void binariesAreExtractedIntoADirectoryOnlyTheUserCanReach() throws Exception {
        Path root = tempDir.resolve("private").resolve("embedded-pg");
        Path bin = PostgresBinaries.binDirectory(root);

        assertThat(bin.resolve("postgres")).isExecutable();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.getParent())))
                .isEqualTo("rwx------");
        assertThat(PostgresBinaries.binDirectory(root)).isEqualTo(bin);
    }

    @Test
    void binaryWritableByOthersIsRefusedBeforeItRuns() throws Exception {
        Path root = tempDir.resolve("swapped");
        Path postgres = PostgresBinaries.binDirectory(root).resolve("postgres");
        Files.setPosixFilePermissions(postgres, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> PostgresBinaries.binDirectory(root)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(postgres.toString()).hasMessageContaining("another user");
    }

    @Test
    void binariesDirectoryOpenToOthersIsRefused() throws Exception {
        Path root = tempDir.resolve("open");
        PostgresBinaries.binDirectory(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> PostgresBinaries.binDirectory(root)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not rwx------");
    }

    @Test
    void serverThatExitsWhileStartingIsReportedWithItsOwnError() throws Exception {
        Path dataDir = tempDir.resolve("broken");
        PostgresServer.embedded(dataDir, true).close();
        Files.writeString(dataDir.resolve("postgresql.conf"), "shared_buffers = 'lots'\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> PostgresServer.embedded(dataDir, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL exited while starting")
                .hasMessageContaining("invalid value for parameter \"shared_buffers\"")
                .hasMessageNotContaining("Gave up waiting");
    }

    @Test
    void initdbFailureIsReportedWithItsOwnError() throws Exception {
        Path bin = PostgresBinaries.binDirectory();
        Path notEmpty = Files.createDirectories(tempDir.resolve("full"));
        Files.writeString(notEmpty.resolve("something"), "x");

        assertThatThrownBy(() -> PostgresServerProcess.initdb(bin, notEmpty, "pw"))
                .hasMessageContaining("initdb failed").hasMessageContaining("exists but is not empty");
        try (var siblings = Files.list(tempDir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("full");
        }
    }

    private static void login(PostgresServer server, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.user());
        if (password != null) {
            props.setProperty("password", password);
        }
        DriverManager.getConnection(server.jdbcUrl("postgres"), props).close();
    }

    private static DataSource dataSource(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server.jdbcUrl("postgres"));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return ds;
    }
}
