package dev.gapless.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Docker-backed {@link PostgresServer} ({@code postgres:17-alpine}) for {@link PostgresExtension#testcontainers()}.
 * Kept in its own class so that the optional Testcontainers dependency is loaded only when this variant is used.
 *
 * <p>Thread-safety: all methods are safe; the container is started at most once per JVM and stopped by a
 * shutdown hook (and by Testcontainers' Ryuk reaper).
 */
final class TestcontainersPostgres {

    /** Docker image used. */
    static final String IMAGE = "postgres:17-alpine";

    private static final Logger LOG = LoggerFactory.getLogger(TestcontainersPostgres.class);
    private static Boolean dockerAvailable;
    private static PostgresServer shared;

    private TestcontainersPostgres() {
    }

    /** Whether a Docker engine is reachable; checked once per JVM. */
    static synchronized boolean dockerAvailable() {
        if (dockerAvailable == null) {
            boolean available;
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                LOG.debug("Docker check failed", e);
                available = false;
            }
            dockerAvailable = available;
        }
        return dockerAvailable;
    }

    /** Returns the JVM-wide container server, starting it on first call. Caller must check Docker first. */
    static synchronized PostgresServer shared() {
        if (shared == null) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(IMAGE));
            container.withCommand("postgres", "-c", "synchronous_commit=on", "-c", "max_connections=400",
                    "-c", "fsync=on", "-c", "timezone=UTC");
            container.start();
            ServerBackend backend = new ContainerBackend(container);
            Runtime.getRuntime().addShutdownHook(new Thread(backend::stop, "gapless-testcontainers-shutdown"));
            LOG.info("Shared PostgreSQL for this JVM: {}", backend.describe());
            shared = new PostgresServer(backend, false);
        }
        return shared;
    }

    /** The container's own superuser and database serve as admin connection. */
    private static final class ContainerBackend implements ServerBackend {
        private final PostgreSQLContainer<?> container;
        private final PostgresServer.ExternalBackend delegate;

        ContainerBackend(PostgreSQLContainer<?> container) {
            this.container = container;
            this.delegate = new PostgresServer.ExternalBackend(container.getJdbcUrl(), container.getUsername(),
                    container.getPassword(), "Testcontainers " + IMAGE + " at " + container.getJdbcUrl());
        }

        @Override
        public String jdbcUrl(String database) {
            return delegate.jdbcUrl(database);
        }

        @Override
        public String adminDatabase() {
            return delegate.adminDatabase();
        }

        @Override
        public String user() {
            return delegate.user();
        }

        @Override
        public String password() {
            return delegate.password();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void stop() {
            try {
                container.stop();
            } catch (RuntimeException e) {
                LOG.warn("Could not stop {}", describe(), e);
            }
        }
    }
}
