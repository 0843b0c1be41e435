package dev.gapless.springboot;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code gapless} health indicator (Spring Boot 3's Actuator API) when the Actuator is on the class path; off
 * with {@code management.health.gapless.enabled=false}.
 */
@AutoConfiguration(after = GaplessAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(GaplessDatabase.class)
@ConditionalOnEnabledHealthIndicator("gapless")
public class GaplessHealthAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public GaplessHealthAutoConfiguration() {
    }

    /**
     * Up when the database answers and Gapless's schema is current.
     *
     * @param database   where Gapless's tables are
     * @param properties {@code gapless.*}
     * @return the indicator, named {@code gapless} by its bean name
     */
    @Bean
    @ConditionalOnMissingBean(name = "gaplessHealthIndicator")
    public HealthIndicator gaplessHealthIndicator(GaplessDatabase database, GaplessProperties properties) {
        GaplessHealth health = new GaplessHealth(database, properties.getStrategy());
        return new AbstractHealthIndicator("Gapless health check failed") {
            @Override
            protected void doHealthCheck(Health.Builder builder) {
                GaplessHealth.Check check = health.check();
                (check.up() ? builder.up() : builder.down()).withDetails(check.details());
            }
        };
    }
}
