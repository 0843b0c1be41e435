package dev.gapless.springboot;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.micrometer.GaplessMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Gapless's Micrometer meters when gapless-micrometer and Micrometer are on the class path: a {@link GaplessMetrics}
 * bean, which Spring Boot binds to its {@link MeterRegistry} (it is a {@code MeterBinder}), the store's append
 * listener and the executor's call listener; the executor's queue gauges too.
 */
@AutoConfiguration(before = GaplessAutoConfiguration.class)
@ConditionalOnClass({GaplessMetrics.class, MeterRegistry.class})
@ConditionalOnProperty(prefix = "gapless", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(GaplessProperties.class)
public class GaplessMetricsAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public GaplessMetricsAutoConfiguration() {
    }

    /**
     * The meters, tagged with the configured strategy.
     *
     * @param properties {@code gapless.*}
     * @return the meters
     * @throws IllegalArgumentException if {@code gapless.strategy} names no strategy
     */
    @Bean
    @ConditionalOnMissingBean
    public GaplessMetrics gaplessMetrics(GaplessProperties properties) {
        try {
            return GaplessMetrics.create(WriteStrategy.named(properties.getStrategy()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gapless.strategy: " + e.getMessage());
        }
    }

    /**
     * Adds the executor's queue gauges once every bean exists.
     *
     * @param metrics   the meters
     * @param executors the executor, if there is one
     * @return the hook
     */
    @Bean
    public SmartInitializingSingleton gaplessExecutorGauges(GaplessMetrics metrics,
                                                            ObjectProvider<ToolExecutor> executors) {
        return () -> executors.ifUnique(metrics::monitor);
    }
}
