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
}
