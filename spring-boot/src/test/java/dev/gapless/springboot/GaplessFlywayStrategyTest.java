package dev.gapless.springboot;

import static dev.gapless.springboot.GaplessAutoConfigurationTest.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * docs/schema.md's "leave it to Flyway" under Spring Boot: {@code gapless.schema.apply=false} and a Flyway migration
 * strategy ({@link BootFlyway}: Boot 3 and 4 keep its type apart) that runs Boot's Flyway, then {@link #migrate}
 * Gapless's with its own location and history table.
 */
class GaplessFlywayStrategyTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    /**
     * What the strategy does with Boot's Flyway: migrate the application, then Gapless's, as docs/schema.md shows.
     *
     * @param flyway Boot's Flyway
     */
    static void migrate(Flyway flyway) {
        flyway.migrate();
        Flyway.configure().configuration(flyway.getConfiguration())
                .locations("classpath:" + Schema.LOCATION)
                .table("flyway_gapless_history")
                .baselineOnMigrate(true)
                .baselineVersion(String.valueOf(Schema.appliedVersion(flyway.getConfiguration().getDataSource())))
                .baselineDescription(Schema.FLYWAY_BASELINE)
                .load().migrate();
    }

    @Test
    void flywayAppliesGaplesssMigrationsInTheirOwnHistoryAndGaplessLeavesThemAlone() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("boot_flyway_strategy")) {
            SpringApplication app = new SpringApplication(BootFlyway.Application.class);
            app.setWebApplicationType(WebApplicationType.NONE);
            try (ConfigurableApplicationContext context = app.run("--spring.datasource.url=" + db.jdbcUrl(),
                    "--spring.datasource.username=" + db.server().user(),
                    "--spring.datasource.password=" + db.server().password(), "--gapless.schema.apply=false")) {
                ArtifactStore store = context.getBean(ArtifactStore.class);
                UUID id = store.getOrCreate("chat-strategy", "code", "").id();
                assertThat(store.append(id, Change.put(CodeFile.of("a", "x"))).version()).isEqualTo(1);
            }
            assertThat(count(db.dataSource(), "SELECT count(*) FROM flyway_schema_history WHERE success"))
                    .isEqualTo(1);
            assertThat(count(db.dataSource(), "SELECT max(version::int) FROM flyway_gapless_history WHERE type = 'SQL'"))
                    .isEqualTo(Schema.latestVersion());
            assertThat(count(db.dataSource(), "SELECT count(*) FROM pg_tables WHERE tablename ="
                    + " 'gapless_schema_history'")).isZero();
        }
    }
}
