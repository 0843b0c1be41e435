package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.testkit.PostgresExtension;
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
        Path dir = Paths.get(Schema.class.getClassLoader().getResource("db/migration").toURI());
        List<String> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .sorted((a, b) -> Integer.compare(Schema.versionOf(a), Schema.versionOf(b))).toList();
        }
        assertThat(Schema.MIGRATIONS).isEqualTo(files);
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
