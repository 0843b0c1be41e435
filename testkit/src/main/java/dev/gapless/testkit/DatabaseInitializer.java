package dev.gapless.testkit;

import javax.sql.DataSource;

/**
 * Prepares a freshly created test database, e.g. applies a schema. Registered with
 * {@link PostgresExtension#withInitializer(DatabaseInitializer)}; initializers run once per test class, in
 * registration order, on the single thread that runs the class's {@code beforeAll} callbacks, so
 * implementations need not be thread-safe unless they share state with other code.
 */
@FunctionalInterface
public interface DatabaseInitializer {

    /**
     * Initializes the new database.
     *
     * @param dataSource the database's pooled {@link DataSource} (auto-commit on); do not close it
     * @throws Exception any failure, which fails the test class
     */
    void initialize(DataSource dataSource) throws Exception;
}
