package dev.gapless.springboot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;

/** Spring Boot 4's Flyway migration strategy type, for the shared {@code GaplessFlywayStrategyTest}. */
final class BootFlyway {

    private BootFlyway() {
    }

    /** The application: Boot's Flyway migrates its own scripts, then Gapless's. */
    // no component scan: the other test applications of this package are not this one's
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
        @Bean
        FlywayMigrationStrategy migrateGaplessToo() {
            return GaplessFlywayStrategyTest::migrate;
        }
    }
}
