package dev.gapless.springboot;

import static dev.gapless.springboot.GaplessAutoConfigurationTest.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real start of an application that has Spring Boot's Flyway and its own {@code db/migration/V1__…}: Boot's Flyway
 * runs first, on the empty database, then {@code Schema.apply} beside it; a second start changes nothing.
 */
class GaplessFlywayApplicationTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    @Test
    void bootsFlywayMigratesTheApplicationFirstThenGaplessAppliesItsOwnBesideIt() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("boot_flyway")) {
            for (int start = 1; start <= 2; start++) {
                try (ConfigurableApplicationContext context = GaplessApplicationTest.start(db)) {
                    ArtifactStore store = context.getBean(ArtifactStore.class);
                    UUID id = store.getOrCreate("chat-flyway", "code", "").id();
                    assertThat(store.append(id, Change.put(CodeFile.of("f" + start, "x"))).version())
                            .isEqualTo(start);
                }
            }
            assertThat(count(db.dataSource(), "SELECT count(*) FROM flyway_schema_history WHERE success"))
                    .as("the application's V1 alone, in Flyway's own history").isEqualTo(1);
            assertThat(count(db.dataSource(), "SELECT count(*) FROM app_orders")).isZero();
            assertThat(count(db.dataSource(), "SELECT max(version) FROM gapless_schema_history"))
                    .isEqualTo(dev.gapless.core.Schema.latestVersion());
        }
    }
}
