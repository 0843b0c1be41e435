package dev.gapless.springboot;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;

/** Spring Boot 3's Flyway migration strategy type, for the shared {@code GaplessFlywayStrategyTest}. */
final class BootFlyway {

    private BootFlyway() {
    }

    /** The application: Boot's Flyway migrates its own scripts, then Gapless's. */
    @SpringBootApplication
    static class Application {
        @Bean
        FlywayMigrationStrategy migrateGaplessToo() {
            return GaplessFlywayStrategyTest::migrate;
        }
    }
}
