package dev.gapless.springboot;

import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;

/**
 * The health indicator's answer through Spring Boot 4's health types, for the shared {@code GaplessHealthTest}.
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
