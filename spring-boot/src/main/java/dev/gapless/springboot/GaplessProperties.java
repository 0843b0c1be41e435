package dev.gapless.springboot;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.strategy.WriteStrategy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code gapless.*} properties. Each default is the library's own default; an invalid value fails the
 * application's start with a message that names the property. Mutable while Spring binds it, then only read.
 */
@ConfigurationProperties("gapless")
public class GaplessProperties {

    /** Whether the auto-configuration makes its beans at all. */
    private boolean enabled = true;
    /** The write strategy by name: row-lock, advisory-lock, server-function, group-commit, ... */
    private String strategy = WriteStrategy.rowLock().name();
    /** The largest file content, in UTF-8 bytes. */
    private int maxFileBytes = ArtifactStore.DEFAULT_MAX_FILE_BYTES;
    /** The most files an artifact may hold. */
    private int maxFiles = ArtifactStore.DEFAULT_MAX_FILES;
    /** The most bytes an artifact's files may hold together. */
    private long maxArtifactBytes = ArtifactStore.DEFAULT_MAX_ARTIFACT_BYTES;
    /** The default deadline of an append, retries included. */
    private Duration timeout = ArtifactStore.DEFAULT_TIMEOUT;
    private final Schema schema = new Schema();
    private final Executor executor = new Executor();

    /** Properties with the library's defaults; Spring binds the configured values onto them. */
    public GaplessProperties() {
    }

    /** {@code gapless.schema.*}: where Gapless's tables live, and who creates them. */
    public static class Schema {
        /** The PostgreSQL schema of Gapless's tables; unset: the DataSource's current schema. */
        private String name;
        /**
         * Whether to apply Gapless's migrations (Schema.apply) at start, after Flyway and Liquibase ran; false
         * leaves them to the application's own Flyway or Liquibase (docs/schema.md).
         */
        private boolean apply = true;

        /** The defaults: the DataSource's current schema, applied at start. */
        public Schema() {
        }

        /** @return the schema name, or {@code null} for the DataSource's current schema */
        public String getName() {
            return name;
        }

        /** @param name the schema name; blank means unset */
        public void setName(String name) {
            this.name = name == null || name.isBlank() ? null : name;
        }

        /** @return whether the migrations are applied at start */
        public boolean isApply() {
            return apply;
        }

        /** @param apply whether the migrations are applied at start */
        public void setApply(boolean apply) {
            this.apply = apply;
        }
    }

    /** {@code gapless.executor.*}: the shared tool executor. */
    public static class Executor {
        /** Worker threads that run tool calls; unset: the executor's default. */
        private Integer maxParallelism;
        /** The most one call may take, queueing included; unset: the executor's default. */
        private Duration callTimeout;

        /** The defaults: the executor's own. */
        public Executor() {
        }

        /** @return the worker count, or {@code null} for the default */
        public Integer getMaxParallelism() {
            return maxParallelism;
        }

        /** @param maxParallelism the worker count */
        public void setMaxParallelism(Integer maxParallelism) {
            this.maxParallelism = maxParallelism;
        }

        /** @return the call timeout, or {@code null} for the default */
        public Duration getCallTimeout() {
            return callTimeout;
        }

        /** @param callTimeout the call timeout */
        public void setCallTimeout(Duration callTimeout) {
            this.callTimeout = callTimeout;
        }
    }

    /** @return whether the auto-configuration is on */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the auto-configuration is on */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the strategy name */
    public String getStrategy() {
        return strategy;
    }

    /** @param strategy the strategy name */
    public void setStrategy(String strategy) {
        this.strategy = strategy;
    }

    /** @return the largest file content, in bytes */
    public int getMaxFileBytes() {
        return maxFileBytes;
    }

    /** @param maxFileBytes the largest file content, in bytes */
    public void setMaxFileBytes(int maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
    }

    /** @return the most files per artifact */
    public int getMaxFiles() {
        return maxFiles;
    }

    /** @param maxFiles the most files per artifact */
    public void setMaxFiles(int maxFiles) {
        this.maxFiles = maxFiles;
    }

    /** @return the most bytes per artifact */
    public long getMaxArtifactBytes() {
        return maxArtifactBytes;
    }

    /** @param maxArtifactBytes the most bytes per artifact */
    public void setMaxArtifactBytes(long maxArtifactBytes) {
        this.maxArtifactBytes = maxArtifactBytes;
    }

    /** @return the default append deadline */
    public Duration getTimeout() {
        return timeout;
    }

    /** @param timeout the default append deadline */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /** @return {@code gapless.schema.*} */
    public Schema getSchema() {
        return schema;
    }

    /** @return {@code gapless.executor.*} */
    public Executor getExecutor() {
        return executor;
    }
}
