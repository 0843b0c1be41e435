package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Choosing the schema Gapless's tables live in, as the README says: pgjdbc's {@code currentSchema} URL parameter.
 * The schema must exist; the tables, functions and view land in it and nowhere else, and every strategy writes
 * there, including the server function's.
 */
class CurrentSchemaTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    private static final List<HikariDataSource> POOLS = new ArrayList<>();

    private static DataSource withCurrentSchema(String schema) {
        HikariConfig config = new HikariConfig();
        String url = PG.jdbcUrl();
        config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        config.setUsername(PG.server().user());
        config.setPassword(PG.server().password());
        config.setMaximumPoolSize(4);
        HikariDataSource pool = new HikariDataSource(config);
        POOLS.add(pool);
        return pool;
    }

    @AfterAll
    static void closePools() {
        POOLS.forEach(HikariDataSource::close);
    }

    private static List<String> relationsIn(String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                     + " c.relnamespace WHERE n.nspname = '" + schema + "' AND c.relkind IN ('r', 'v')"
                     + " ORDER BY 1")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void theTablesLandInTheSchemaTheUrlNamesAndEveryStrategyWritesThere() throws Exception {
        sql("CREATE SCHEMA tenant_a");
        DataSource tenant = withCurrentSchema("tenant_a");

        assertThat(Schema.apply(tenant)).isEqualTo(Schema.MIGRATIONS.size());
        assertThat(relationsIn("tenant_a")).contains("artifacts", "artifact_versions", "artifact_files",
                "artifact_snapshots", "gapless_schema_history");
        assertThat(relationsIn("public")).as("nothing lands in public").isEmpty();
        assertThat(Schema.apply(tenant)).as("applying again finds the schema current").isZero();

        for (WriteStrategy strategy : List.of(WriteStrategy.rowLock(), WriteStrategy.serverFunction(),
                WriteStrategy.groupCommit())) {
            ArtifactStore store = ArtifactStore.builder(tenant).strategy(strategy).build();
            Artifact artifact = store.getOrCreate("chat-" + strategy.name(), "code", "Blink");
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                List<Future<AppendResult>> appends = new ArrayList<>();
                for (String name : List.of("main.cpp", "config.h", "platformio.ini", "README.md")) {
                    appends.add(writers.submit(() -> store.append(artifact.id(),
                            Change.put(new CodeFile(name, "cpp", "// " + name, "")))));
                }
                List<Integer> versions = new ArrayList<>();
                for (Future<AppendResult> append : appends) {
                    versions.add(append.get().version());
                }
                assertThat(versions).as(strategy.name()).containsExactlyInAnyOrder(1, 2, 3, 4);
            } finally {
                writers.shutdownNow();
            }
            assertThat(store.latest(artifact.id()).orElseThrow().snapshot().files()).hasSize(4);
        }
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT count(*) FROM tenant_a.artifact_versions")) {
            rows.next();
            assertThat(rows.getInt(1)).as("the versions are rows of tenant_a's table").isEqualTo(12);
        }
    }

    @Test
    void aSchemaThatDoesNotExistIsAClearErrorAndNothingIsCreated() throws Exception {
        DataSource missing = withCurrentSchema("no_such_schema");
        assertThatThrownBy(() -> Schema.apply(missing))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("applying the Gapless schema failed")
                .hasMessageContaining("names no schema that exists")
                .satisfies(e -> assertThat(((StorageException) e).sqlState()).hasValue("3F000"));
        assertThat(relationsIn("public")).as("nothing lands in public instead").isEmpty();
        assertThat(relationsIn("no_such_schema")).isEmpty();
    }
}
