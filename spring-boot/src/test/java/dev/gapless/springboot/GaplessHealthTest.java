package dev.gapless.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.Schema;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ConfigurableApplicationContext;

/** The {@code gapless} health indicator, through {@link BootHealth} (Boot 3 and 4 keep its types apart). */
class GaplessHealthTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    @Test
    void upWithTheSchemaVersionOnACurrentSchema() {
        GaplessAutoConfigurationTest.runner(PG.dataSource())
                .withConfiguration(AutoConfigurations.of(GaplessHealthAutoConfiguration.class))
                .run(context -> {
                    BootHealth health = BootHealth.of(context);
                    assertThat(health.status()).isEqualTo("UP");
                    assertThat(health.details()).containsEntry("strategy", "row-lock")
                            .containsEntry("schemaVersion", Schema.latestVersion());
                });
    }

    @Test
    void downNamingTheCauseWhenTheSchemaWasLeftToAToolThatHasNotRun() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("boot_health_down")) {
            GaplessAutoConfigurationTest.runner(db.dataSource())
                    .withConfiguration(AutoConfigurations.of(GaplessHealthAutoConfiguration.class))
                    .withPropertyValues("gapless.schema.apply=false")
                    .run(context -> {
                        BootHealth health = BootHealth.of(context);
                        assertThat(health.status()).isEqualTo("DOWN");
                        assertThat(health.details()).containsEntry("schemaVersion", 0)
                                .containsEntry("error", "Gapless's schema is at version 0, this Gapless needs "
                                        + Schema.latestVersion() + ": apply it (gapless.schema.apply, or the"
                                        + " application's Flyway or Liquibase)");
                    });
        }
    }

    @Test
    void offWhenTheActuatorIsAbsentOrTheIndicatorDisabled() {
        GaplessAutoConfigurationTest.runner(PG.dataSource())
                .withConfiguration(AutoConfigurations.of(GaplessHealthAutoConfiguration.class))
                .withPropertyValues("management.health.gapless.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("gaplessHealthIndicator"));
        GaplessAutoConfigurationTest.runner(PG.dataSource())
                .withConfiguration(AutoConfigurations.of(GaplessHealthAutoConfiguration.class))
                .withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(BootHealth.INDICATOR))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("gaplessHealthIndicator"));
    }

    @Test
    void theActuatorsHealthEndpointOfARealStartShowsGapless() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("boot_health_app");
             ConfigurableApplicationContext context = GaplessApplicationTest.start(db,
                     "--management.endpoint.health.show-details=always")) {
            assertThat(BootHealth.endpointStatus(context, "gapless")).isEqualTo("UP");
        }
    }
}
