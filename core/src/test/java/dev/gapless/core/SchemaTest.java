package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    @Test
    void applyingTwiceIsHarmless() {
        assertThat(Schema.apply(PG.dataSource())).isEqualTo(Schema.MIGRATIONS.size());
        assertThat(Schema.apply(PG.dataSource())).isZero();
        assertThat(Schema.appliedVersion(PG.dataSource())).isEqualTo(Schema.latestVersion());
    }

    @Test
    void keepsTheOriginalTableAndConstraintNames() throws Exception {
        Schema.apply(PG.dataSource());
        List<String> constraints = new ArrayList<>();
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT conname FROM pg_constraint WHERE contype = 'u'"
                     + " AND conrelid IN ('artifacts'::regclass, 'artifact_versions'::regclass)")) {
            while (r.next()) {
                constraints.add(r.getString(1));
            }
        }
        assertThat(constraints).contains("artifact_versions_artifact_id_version_number_key",
                "artifact_versions_artifact_id_idempotency_key_key", "artifacts_chat_id_type_key");
    }

    @Test
    void everyMigrationFileIsListedInOrder() throws Exception {
        Path dir = Paths.get(Schema.class.getClassLoader().getResource(Schema.LOCATION).toURI());
        List<String> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .sorted((a, b) -> Integer.compare(Schema.versionOf(a), Schema.versionOf(b))).toList();
        }
        assertThat(Schema.MIGRATIONS).isEqualTo(files);
    }

    @Test
    void theLiquibaseChangelogRunsEveryMigrationInOrderAndWhole() throws Exception {
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        org.w3c.dom.Document changelog;
        try (java.io.InputStream in = Schema.class.getResourceAsStream("/" + Schema.LIQUIBASE_CHANGELOG)) {
            changelog = factory.newDocumentBuilder().parse(in);
        }
        org.w3c.dom.NodeList sets = changelog.getElementsByTagNameNS("*", "changeSet");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sets.getLength(); i++) {
            org.w3c.dom.Element set = (org.w3c.dom.Element) sets.item(i);
            String id = set.getAttribute("id");
            ids.add(id);
            assertThat(set.getAttribute("author")).isEqualTo("gapless");
            org.w3c.dom.Element file = (org.w3c.dom.Element) set.getElementsByTagNameNS("*", "sqlFile").item(0);
            assertThat(file.getAttribute("path")).as(id).isEqualTo("migration/" + id);
            assertThat(file.getAttribute("splitStatements")).as(id).isEqualTo("false");
            assertThat(set.getElementsByTagNameNS("*", "sqlCheck").item(0).getTextContent()).as(id)
                    .contains("WHERE version = " + Schema.versionOf(id));
        }
        assertThat(ids).as("one change set per migration, in order, in " + Schema.LIQUIBASE_CHANGELOG)
                .isEqualTo(Schema.MIGRATIONS);
    }

    /**
     * Liquibase runs a sqlFile through the driver as a parameterised statement, where {@code ?} (jsonb's key-exists
     * operator) becomes {@code $1} and the migration fails; {@code x -> 'key' IS NOT NULL} says the same of an object.
     */
    @Test
    void noMigrationUsesTheQuestionMarkOperatorThatLiquibaseTakesForAParameter() {
        for (String script : Schema.MIGRATIONS) {
            String code = Schema.read(script).replaceAll("--[^\n]*", "");
            assertThat(code).as(script).doesNotContain("?");
        }
    }

    @Test
    void appliesIntoTheSchemaThatCurrentSchemaNames() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("schema_own")) {
            try (com.zaxxer.hikari.HikariDataSource ds = inSchema(db, "agents")) {
            assertThat(Schema.apply(ds)).isEqualTo(Schema.MIGRATIONS.size());
            FlywaySchemaTest.assertWorks(ds);
            assertThat(FlywaySchemaTest.count(ds, "SELECT count(*) FROM agents.artifact_versions")).isEqualTo(2);
            assertThat(FlywaySchemaTest.count(db.dataSource(),
                    "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")).isZero();
            assertThat(Schema.apply(ds)).isZero();
            assertThat(Schema.apply(db.dataSource())).as("public has its own, separate Gapless schema")
                    .isEqualTo(Schema.MIGRATIONS.size());
            }
        }
    }

    @Test
    void aCurrentSchemaThatDoesNotExistIsNamedAndNothingIsApplied() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("schema_missing")) {
            try (com.zaxxer.hikari.HikariDataSource ds = dataSource(db, "nowhere")) {
            assertThatThrownBy(() -> Schema.apply(ds)).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.sqlState()).contains("3F000");
                assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
            }).hasMessage("applying the Gapless schema failed: the connection has no current schema: its"
                    + " search_path (nowhere) names no schema that exists; create the schema first, or correct"
                    + " currentSchema in the JDBC URL");
            assertThat(FlywaySchemaTest.count(db.dataSource(),
                    "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")).isZero();
            }
        }
    }

    /** A data source whose connections have {@code currentSchema=<schema>}, the schema created. */
    static com.zaxxer.hikari.HikariDataSource inSchema(TestDatabase db, String schema) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        return dataSource(db, schema);
    }

    static com.zaxxer.hikari.HikariDataSource dataSource(TestDatabase db, String schema) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema);
        config.setUsername(db.server().user());
        config.setPassword(db.server().password().isEmpty() ? null : db.server().password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        return new com.zaxxer.hikari.HikariDataSource(config);
    }

    @Test
    void deletingAnArtifactDeletesEverythingItHeld() throws Exception {
        try (dev.gapless.testkit.TestDatabase db = PG.server().createDatabase("schema_delete")) {
            deleteAndCheck(db.newDataSource(4));
        }
    }

    private static void deleteAndCheck(javax.sql.DataSource ds) throws Exception {
        Schema.apply(ds);
        ArtifactStore store = ArtifactStore.create(ds);
        java.util.UUID id = store.getOrCreate("chat-delete", "code", "t").id();
        java.util.UUID other = store.getOrCreate("chat-keep", "code", "t").id();
        for (int i = 0; i < 70; i++) {
            store.append(id, Change.put(CodeFile.of("f" + i, "same content")));
        }
        store.append(other, Change.put(CodeFile.of("f", "same content")));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM artifacts WHERE id = '" + id + "'");
            for (String table : List.of("artifact_versions", "artifact_files", "artifact_contents",
                    "artifact_manifests")) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FILTER (WHERE artifact_id = '" + id + "'),"
                        + " count(*) FILTER (WHERE artifact_id = '" + other + "') FROM " + table)) {
                    r.next();
                    assertThat(r.getLong(1)).as(table + " of the deleted artifact").isZero();
                    if (!table.equals("artifact_manifests")) {
                        assertThat(r.getLong(2)).as(table + " of the other artifact").isPositive();
                    }
                }
            }
        }
        assertThat(store.latest(other).orElseThrow().snapshot().files()).hasSize(1);
    }
}
