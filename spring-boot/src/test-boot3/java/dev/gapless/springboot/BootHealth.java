package dev.gapless.springboot;

import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.ApplicationContext;

/**
 * The health indicator's answer through Spring Boot 3's Actuator types, for the shared {@code GaplessHealthTest}.
 *
 * @param status  e.g. {@code UP}
 * @param details the indicator's details
 */
record BootHealth(String status, Map<String, Object> details) {

    /** The indicator type, to hide it from a class loader. */
    static final Class<?> INDICATOR = HealthIndicator.class;

    static BootHealth of(ApplicationContext context) {
        Health health = context.getBean("gaplessHealthIndicator", HealthIndicator.class).health();
        return new BootHealth(health.getStatus().getCode(), health.getDetails());
    }

    static String endpointStatus(ApplicationContext context, String path) {
        return context.getBean(HealthEndpoint.class).healthForPath(path).getStatus().getCode();
    }
}
