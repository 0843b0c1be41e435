package dev.gapless.testkit;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving each test class its own fresh PostgreSQL database, created before all tests of the
 * class (named after the class's simple name) and dropped after them. Register it on a {@code static} field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension PG = PostgresExtension.create().withInitializer(ds -> Schema.apply(ds));
 * }</pre>
 *
 * <p>{@link #create()} uses {@link PostgresServer#shared()}; {@link #testcontainers()} uses a Docker container
 * ({@code postgres:17-alpine}) and makes the class's tests skipped (disabled, with the reason
 * {@value #NO_DOCKER_REASON}), not failed, when no Docker engine is available. {@code @Nested} classes share the enclosing class's database.
 *
 * <p>Thread-safety: the configuration is immutable ({@code with...} methods return new instances). The accessors
 * may be called from any thread while the class's tests run. One instance serves one test class at a time;
 * registering the same instance on classes that run concurrently is refused with {@link IllegalStateException}.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ExecutionCondition {

    private enum Source { SHARED, TESTCONTAINERS }

    /** Reason given when {@link #testcontainers()} cannot run. */
    public static final String NO_DOCKER_REASON = "no Docker engine available: Testcontainers variant skipped";

    private final Source source;
    private final List<DatabaseInitializer> initializers;
    private final int poolSize;

    private final Object lock = new Object();
    private volatile TestDatabase database;
    private String ownerUniqueId;

    private PostgresExtension(Source source, List<DatabaseInitializer> initializers, int poolSize) {
        this.source = source;
        this.initializers = List.copyOf(initializers);
        this.poolSize = poolSize;
    }

    /**
     * Creates an extension using the JVM-wide {@link PostgresServer#shared()} server, with no initializers and
     * a pool size of {@value TestDatabase#DEFAULT_MAX_POOL_SIZE}. Thread-safety: safe.
     *
     * @return a new extension
     */
    public static PostgresExtension create() {
        return new PostgresExtension(Source.SHARED, List.of(), TestDatabase.DEFAULT_MAX_POOL_SIZE);
    }

    /**
     * Creates an extension using a Testcontainers {@code postgres:17-alpine} container (started once per JVM with
     * {@code synchronous_commit=on}, {@code max_connections=400}). Needs {@code org.testcontainers:postgresql} on
     * the test classpath; when no Docker engine is available the test class is skipped with the reason
     * {@value #NO_DOCKER_REASON}. Thread-safety: safe.
     *
     * @return a new extension
     */
    public static PostgresExtension testcontainers() {
        return new PostgresExtension(Source.TESTCONTAINERS, List.of(), TestDatabase.DEFAULT_MAX_POOL_SIZE);
    }

    /**
     * Returns a copy that additionally runs {@code initializer} on each new database, after the initializers
     * already added (they run in order, before any test of the class). Thread-safety: safe; this instance is
     * unchanged.
     *
     * @param initializer e.g. a schema migration
     * @return a new extension
     */
    public PostgresExtension withInitializer(DatabaseInitializer initializer) {
        Objects.requireNonNull(initializer, "initializer");
        List<DatabaseInitializer> all = new ArrayList<>(initializers);
        all.add(initializer);
        return new PostgresExtension(source, all, poolSize);
    }

    /**
     * Returns a copy whose {@link #dataSource()} allows at most {@code maxPoolSize} connections.
     * Thread-safety: safe; this instance is unchanged.
     *
     * @param maxPoolSize at least 1
     * @return a new extension
     */
    public PostgresExtension withPoolSize(int maxPoolSize) {
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be >= 1: " + maxPoolSize);
        }
        return new PostgresExtension(source, initializers, maxPoolSize);
    }

    /**
     * Disables the test class, with the reason {@value #NO_DOCKER_REASON}, when this is a
     * {@link #testcontainers()} extension and no Docker engine is available; enables it otherwise. Called by JUnit.
     *
     * @param context the test class's or method's context
     * @return the evaluation
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (source == Source.TESTCONTAINERS) {
            try {
                if (!TestcontainersPostgres.dockerAvailable()) {
                    return ConditionEvaluationResult.disabled(NO_DOCKER_REASON);
                }
            } catch (NoClassDefFoundError e) {
                return ConditionEvaluationResult.enabled("Testcontainers missing; beforeAll reports it");
            }
        }
        return ConditionEvaluationResult.enabled("PostgreSQL available");
    }

    /**
     * Creates the class's database and runs the initializers. Called by JUnit.
     *
     * @param context the test class's context
     * @throws Exception if the server, the database or an initializer fails
     */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (lock) {
            if (ownerUniqueId != null) {
                if (isWithin(context, ownerUniqueId)) {
                    return; // @Nested class: reuse the enclosing class's database
                }
                throw new IllegalStateException("this PostgresExtension instance is already in use by "
                        + ownerUniqueId + "; give each concurrently running test class its own instance");
            }
            PostgresServer chosen = chooseServer();
            String prefix = context.getTestClass().map(Class::getSimpleName).orElse("test");
            TestDatabase db = chosen.createDatabase(prefix, poolSize);
            try {
                for (DatabaseInitializer initializer : initializers) {
                    initializer.initialize(db.dataSource());
                }
            } catch (Exception | Error e) {
                db.close();
                throw e;
            }
            database = db;
            ownerUniqueId = context.getUniqueId();
        }
    }

    /**
     * Drops the class's database (closing its pools). Called by JUnit.
     *
     * @param context the test class's context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        TestDatabase db;
        synchronized (lock) {
            if (ownerUniqueId == null || !ownerUniqueId.equals(context.getUniqueId())) {
                return;
            }
            db = database;
            database = null;
            ownerUniqueId = null;
        }
        if (db != null) {
            db.close();
        }
    }

    /**
     * Returns the class database's shared pool (do not close it). Thread-safety: safe.
     *
     * @return the pool
     * @throws IllegalStateException outside the registering test class's lifecycle
     */
    public HikariDataSource dataSource() {
        return database().dataSource();
    }

    /**
     * Returns the class's database. Thread-safety: safe.
     *
     * @return the database
     * @throws IllegalStateException outside the registering test class's lifecycle
     */
    public TestDatabase database() {
        TestDatabase db = database;
        if (db == null) {
            throw new IllegalStateException("PostgresExtension has no database here: it exists only while the "
                    + "test class that registers the extension runs (between beforeAll and afterAll); register it "
                    + "as a static @RegisterExtension field and use it from tests or @BeforeAll/@BeforeEach methods");
        }
        return db;
    }

    /**
     * Returns the JDBC URL of the class's database, without credentials. Thread-safety: safe.
     *
     * @return the URL
     * @throws IllegalStateException outside the registering test class's lifecycle
     */
    public String jdbcUrl() {
        return database().jdbcUrl();
    }

    /**
     * Creates a separate pool on the class's database; it is closed when the class finishes, or earlier by the
     * caller. Thread-safety: safe.
     *
     * @param maxPoolSize at least 1
     * @return the new pool
     * @throws IllegalStateException outside the registering test class's lifecycle
     */
    public HikariDataSource newDataSource(int maxPoolSize) {
        return database().newDataSource(maxPoolSize);
    }

    /**
     * Returns the server the class's database lives on. Thread-safety: safe.
     *
     * @return the server
     * @throws IllegalStateException outside the registering test class's lifecycle
     */
    public PostgresServer server() {
        return database().server();
    }

    private PostgresServer chooseServer() {
        if (source == Source.SHARED) {
            return PostgresServer.shared();
        }
        boolean docker;
        try {
            docker = TestcontainersPostgres.dockerAvailable();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("PostgresExtension.testcontainers() needs org.testcontainers:postgresql "
                    + "on the test classpath", e);
        }
        Assumptions.assumeTrue(docker, NO_DOCKER_REASON);
        return TestcontainersPostgres.shared();
    }

    private static boolean isWithin(ExtensionContext context, String uniqueId) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (uniqueId.equals(c.getUniqueId())) {
                return true;
            }
        }
        return false;
    }
}
