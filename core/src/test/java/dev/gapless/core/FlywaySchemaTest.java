package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/schema.md's Flyway recipes against real Flyway: an application's own migrations beside Gapless's, each with
 * its history table; Flyway after {@link Schema#apply} (a baseline) and {@link Schema#apply} after Flyway.
 */
class FlywaySchemaTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    /** The application's own Flyway, with every default: classpath:db/migration, flyway_schema_history. */
    static Flyway application(DataSource ds) {
        return Flyway.configure().dataSource(ds).load();
    }

    /** Gapless's Flyway, as docs/schema.md configures it. */
    static Flyway gapless(DataSource ds) {
        return Flyway.configure().dataSource(ds)
                .locations("classpath:" + Schema.LOCATION)
                .table("flyway_gapless_history")
                .baselineOnMigrate(true)
                .baselineVersion(String.valueOf(Schema.appliedVersion(ds)))
                .baselineDescription(Schema.FLYWAY_BASELINE)
                .load();
    }

    @Test
    void anApplicationsOwnVersionOneMigratesBesideGaplesss() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("flyway_beside")) {
            DataSource ds = db.dataSource();
            assertThat(application(ds).migrate().migrationsExecuted).isEqualTo(1);
            assertThat(gapless(ds).migrate().migrationsExecuted).isEqualTo(Schema.MIGRATIONS.size());
            assertThat(application(ds).migrate().migrationsExecuted).isZero();
            application(ds).validate();
            gapless(ds).validate();
            assertWorks(ds);
            assertThat(count(ds, "SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(1);
            assertThat(count(ds, "SELECT count(*) FROM flyway_gapless_history WHERE type = 'SQL' AND success"))
                    .isEqualTo(Schema.MIGRATIONS.size());
        }
    }

    @Test
    void gaplesssFlywayFirstThenTheApplicationsOnAnEmptyDatabase() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("flyway_gapless_first")) {
            DataSource ds = db.dataSource();
            assertThat(gapless(ds).migrate().migrationsExecuted).isEqualTo(Schema.MIGRATIONS.size());
            // the application's Flyway now finds a schema that is not empty: it needs a baseline below its own V1
            assertThatThrownBy(() -> application(ds).migrate()).hasMessageContaining("non-empty schema");
            assertThat(Flyway.configure().dataSource(ds).baselineOnMigrate(true).baselineVersion("0").load()
                    .migrate().migrationsExecuted).isEqualTo(1);
            assertWorks(ds);
        }
    }

    @Test
    void schemaApplyAfterFlywayAppliesNothingAgain() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("flyway_then_apply")) {
            DataSource ds = db.dataSource();
            gapless(ds).migrate();
            assertThat(Schema.apply(ds)).isZero();
            assertThat(Schema.appliedVersion(ds)).isEqualTo(Schema.latestVersion());
            assertThat(count(ds, "SELECT count(*) FROM pg_tables WHERE tablename = 'gapless_schema_history'"))
                    .isZero();
            assertWorks(ds);
        }
    }

    @Test
    void schemaApplyLeavesMigrationsThatFlywayHasNotAppliedToFlyway() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("flyway_behind")) {
            DataSource ds = db.dataSource();
            Flyway.configure().dataSource(ds).locations("classpath:" + Schema.LOCATION)
                    .table("flyway_gapless_history").target("3").load().migrate();
            assertThatThrownBy(() -> Schema.apply(ds))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED))
                    .hasMessageStartingWith("Flyway migrated Gapless's schema in \"public\" (table"
                            + " flyway_gapless_history) and has not applied V4__storage_v2.sql, ")
                    .hasMessageEndingWith(": run Flyway to apply them; Schema.apply changes nothing in a schema that"
                            + " Flyway migrates");
            assertThat(count(ds, "SELECT count(*) FROM pg_tables WHERE tablename IN ('artifact_files',"
                    + " 'gapless_schema_history')")).isZero();
            assertThat(gapless(ds).migrate().migrationsExecuted).isEqualTo(Schema.MIGRATIONS.size() - 3);
            assertWorks(ds);
        }
    }

    @Test
    void flywayTakesOverASchemaThatSchemaApplyMadeThroughABaseline() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("apply_then_flyway")) {
            DataSource ds = db.dataSource();
            Schema.apply(ds);
            assertThat(gapless(ds).migrate().migrationsExecuted).isZero();
            assertThat(gapless(ds).info().current().getVersion().getVersion())
                    .isEqualTo(String.valueOf(Schema.latestVersion()));
            assertThat(Schema.apply(ds)).isZero();
            assertWorks(ds);
        }
    }

    @Test
    void aSchemaThatSchemaApplyLeftBehindIsBaselinedWhereItStoodAndMigratedOnByFlyway() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("apply_v3_then_flyway")) {
            DataSource ds = db.dataSource();
            MigrationTest.applyVersionOneSchema(ds);
            assertThat(Schema.appliedVersion(ds)).isEqualTo(3);
            assertThat(gapless(ds).migrate().migrationsExecuted).isEqualTo(Schema.MIGRATIONS.size() - 3);
            assertThat(Schema.apply(ds)).isZero();
            assertWorks(ds);
        }
    }

    @Test
    void flywayMigratesGaplessIntoASchemaOfItsOwn() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("flyway_own_schema")) {
            try (com.zaxxer.hikari.HikariDataSource ds = SchemaTest.inSchema(db, "agents")) {
            Flyway.configure().dataSource(ds).schemas("agents").locations("classpath:" + Schema.LOCATION)
                    .table("flyway_gapless_history").load().migrate();
            assertThat(Schema.apply(ds)).isZero();
            assertWorks(ds);
            assertThat(count(db.dataSource(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                    .isZero();
            }
        }
    }

    static void assertWorks(DataSource ds) {
        ArtifactStore store = ArtifactStore.create(ds);
        Artifact artifact = store.getOrCreate("chat", "code", "t");
        assertThat(store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "a"))).version()).isEqualTo(1);
        assertThat(store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "b"))).version()).isEqualTo(2);
        assertThat(store.latest(artifact.id()).orElseThrow().snapshot().filenames()).containsExactly("a.txt", "b.txt");
    }

    static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
