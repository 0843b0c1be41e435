package dev.gapless.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/** This module's tests, the shared ones among them, run on the Spring Boot line it is built for. */
class BootLineTest {

    @Test
    void runsOnSpringBoot3() {
        assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
    }
}
