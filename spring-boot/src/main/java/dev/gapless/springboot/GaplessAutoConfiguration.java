package dev.gapless.springboot;

import dev.gapless.core.AppendListener;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.ToolCallListener;
import dev.gapless.executor.ToolExecutor;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;

/**
 * Gapless on the application's DataSource: a {@link GaplessDatabase}, an {@link ArtifactStore} configured by
 * {@code gapless.*} (after Gapless's migrations are applied, unless {@code gapless.schema.apply=false}) and a shared
 * {@link ToolExecutor}. Every bean backs off when the application defines its own. The store registers every
 * {@link AppendListener} bean, in bean order (the Micrometer meters, when gapless-micrometer is present, and the
 * application's own), each hearing every event; the executor takes the one {@link ToolCallListener}.
 *
 * <p>The store waits for Spring Boot's Flyway and Liquibase (it depends on database initialization), so an
 * application's own first migration runs on an empty database, before Gapless's tables appear.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration",
        "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@ConditionalOnClass({ArtifactStore.class, ToolExecutor.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "gapless", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(GaplessProperties.class)
public class GaplessAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GaplessAutoConfiguration.class);

    /** Creates the auto-configuration; Spring calls it. */
    public GaplessAutoConfiguration() {
    }

    /**
     * Where Gapless's tables are, with the migrations applied when {@code gapless.schema.apply} is true.
     *
     * @param dataSource the application's DataSource
     * @param properties {@code gapless.*}
     * @return the database
     * @throws dev.gapless.core.StorageException if applying the migrations fails; the application does not start
     */
    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    public GaplessDatabase gaplessDatabase(DataSource dataSource, GaplessProperties properties) {
        GaplessDatabase database = GaplessDatabase.of(dataSource, properties.getSchema().getName());
        if (properties.getSchema().isApply()) {
            int applied = database.apply();
            LOG.info("Gapless schema: {} migration(s) applied{}", applied,
                    database.schema() == null ? "" : " in schema " + database.schema());
        }
        return database;
    }

    /**
     * The store.
     *
     * @param database   where Gapless's tables are
     * @param properties {@code gapless.*}
     * @param listeners  the application's {@link AppendListener} beans, every one registered (in bean order)
     * @return the store
     * @throws IllegalArgumentException if a {@code gapless.*} value is invalid; the message names the property
     */
    @Bean
    @ConditionalOnMissingBean
    public ArtifactStore artifactStore(GaplessDatabase database, GaplessProperties properties,
                                       ObjectProvider<AppendListener> listeners) {
        ArtifactStore.Builder builder = ArtifactStore.builder(database.dataSource());
        property("gapless.strategy", () -> builder.strategy(WriteStrategy.named(properties.getStrategy())));
        property("gapless.max-file-bytes", () -> builder.maxFileBytes(properties.getMaxFileBytes()));
        property("gapless.max-files", () -> builder.maxFiles(properties.getMaxFiles()));
        property("gapless.max-artifact-bytes", () -> builder.maxArtifactBytes(properties.getMaxArtifactBytes()));
        property("gapless.timeout", () -> builder.defaultTimeout(properties.getTimeout()));
        listeners.orderedStream().forEach(builder::listener);
        return builder.build();
    }

    /**
     * The executor every integration shares (Spring AI's tool callbacks among them).
     *
     * @param store      the store
     * @param properties {@code gapless.executor.*}
     * @param listeners  the application's {@link ToolCallListener}, if exactly one
     * @return the executor; Spring closes it with the context
     * @throws IllegalArgumentException if a {@code gapless.executor.*} value is invalid
     */
    @Bean
    @ConditionalOnMissingBean
    public ToolExecutor toolExecutor(ArtifactStore store, GaplessProperties properties,
                                     ObjectProvider<ToolCallListener> listeners) {
        ToolExecutor.Builder builder = ToolExecutor.builder(store);
        GaplessProperties.Executor executor = properties.getExecutor();
        if (executor.getMaxParallelism() != null) {
            property("gapless.executor.max-parallelism", () -> builder.maxParallelism(executor.getMaxParallelism()));
        }
        if (executor.getCallTimeout() != null) {
            property("gapless.executor.call-timeout", () -> builder.callTimeout(executor.getCallTimeout()));
        }
        listeners.orderedStream().forEach(builder::listener);
        return builder.build();
    }

    private static void property(String name, Supplier<?> setter) {
        try {
            setter.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage()); // the message says it all
        }
    }
}
