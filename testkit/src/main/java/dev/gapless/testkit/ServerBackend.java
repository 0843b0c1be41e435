package dev.gapless.testkit;

/**
 * Internal abstraction over where a {@link PostgresServer} comes from (embedded, external, Testcontainers).
 * Not part of the public API. Implementations must be safe for concurrent use.
 */
interface ServerBackend {

    /** JDBC URL of the given database on this server (no credentials in it). */
    String jdbcUrl(String database);

    /** Name of the maintenance database used to CREATE/DROP databases. */
    String adminDatabase();

    /** Superuser (or a user allowed to CREATE DATABASE). */
    String user();

    /** Password of {@link #user()}; empty when none. */
    String password();

    /** Human-readable origin, e.g. "embedded PostgreSQL 17.6 on port 54321". */
    String describe();

    /** Stops the server if this backend owns it; idempotent; must not throw. */
    void stop();
}
