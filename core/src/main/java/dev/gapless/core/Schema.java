package dev.gapless.core;

import dev.gapless.core.internal.ToolHistories;
import dev.gapless.core.internal.Transactions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Applies Gapless's SQL migrations ({@value #LOCATION}{@code /V*__*.sql} on the classpath, Flyway naming) to a
 * database, in the connection's current schema.
 *
 * <p>Applying is idempotent and safe to run from several processes at once: it takes a transaction-scoped advisory
 * lock, records applied versions in {@code gapless_schema_history} and skips those already applied.
 *
 * <p>The migrations have a location of their own, apart from Flyway's default {@code db/migration}, so that they
 * never mix with an application's. Teams that run Flyway give them a Flyway instance of their own, with its own
 * history table: {@code Flyway.configure().locations("classpath:" + Schema.LOCATION)
 * .table("flyway_gapless_history")}; teams that run Liquibase include {@value #LIQUIBASE_CHANGELOG}. {@link #apply}
 * reads what Flyway or Liquibase recorded in the current schema and applies none of it again; when such a tool
 * migrated Gapless's schema but has not applied every migration, it applies nothing and says so, leaving the schema
 * to that tool. docs/schema.md has the recipes, including the Flyway baseline of a schema that this class made.
 *
 * <p>The schema is the connection's: give the JDBC URL {@code currentSchema=<name>} (pgjdbc) to keep Gapless's
 * tables and functions out of {@code public}. Every statement is unqualified, so the store finds them there too.
 *
 * <p>Thread-safety: stateless; concurrent calls serialize on the advisory lock.
 */
public final class Schema {

    /** Where the migrations lie on the classpath: {@code classpath:db/gapless/migration} for Flyway. */
    public static final String LOCATION = "db/gapless/migration";

    /** The Liquibase change log that runs the migrations, one change set each (author {@code gapless}). */
    public static final String LIQUIBASE_CHANGELOG = "db/gapless/changelog.xml";

    /**
     * The {@code baselineDescription} to give Flyway when it takes over a schema that {@link #apply} made, so that
     * {@link #apply} knows the baseline for Gapless's: {@code .baselineOnMigrate(true)
     * .baselineVersion(String.valueOf(Schema.appliedVersion(dataSource))).baselineDescription(FLYWAY_BASELINE)}.
     */
    public static final String FLYWAY_BASELINE = ToolHistories.FLYWAY_BASELINE_DESCRIPTION;

    /** The migrations, in order. A test checks that this list matches the files in {@link #LOCATION}. */
    static final List<String> MIGRATIONS = List.of("V1__create_artifacts.sql", "V2__server_function.sql",
            "V3__server_function_one_round_trip.sql", "V4__storage_v2.sql", "V5__key_failures.sql",
            "V8__edit_hardening.sql", "V9__merge_precondition.sql", "V10__file_views.sql",
            "V11__lifecycle.sql", "V12__change_feed.sql");

    private static final long LOCK_KEY = 0x6761706c65737331L; // "gapless1"

    private Schema() {
    }

    /**
     * Applies every migration not yet applied, in one transaction.
     *
     * @param dataSource the database; its connections' current schema receives the tables
     * @return the number of migrations applied by this call (0 when the schema was current)
     * @throws StorageException if the database rejects a migration, if the connection has no current schema (SQLSTATE
     *                          3F000: {@code currentSchema} names a schema that does not exist), or if Flyway or
     *                          Liquibase migrated Gapless's schema in it and has migrations left to apply; nothing is
     *                          applied then ({@link Outcome#NOT_APPLIED})
     * @throws NullPointerException if {@code dataSource} is {@code null}
     */
    public static int apply(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return inTransaction(dataSource, Schema::applyIn);
    }

    /**
     * The highest of Gapless's migration versions applied to the current schema, by this class, Flyway or
     * Liquibase: the {@code baselineVersion} to give Flyway when it takes over a schema that this class made.
     *
     * @param dataSource the database
     * @return the version, 0 when none is applied
     * @throws StorageException if the database fails the queries, or the connection has no current schema
     * @throws NullPointerException if {@code dataSource} is {@code null}
     */
    public static int appliedVersion(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return inTransaction(dataSource, connection -> {
            currentSchema(connection);
            Set<Integer> done = own(connection);
            for (ToolHistories.Record record : ToolHistories.read(connection, MIGRATIONS)) {
                done.addAll(record.versions());
            }
            return done.isEmpty() ? 0 : Collections.max(done);
        });
    }

    /**
     * The version this jar's migrations bring a schema to: a schema at a lower {@link #appliedVersion} needs
     * {@link #apply}, or its Flyway or Liquibase run.
     *
     * @return the highest migration version, e.g. 4
     */
    public static int latestVersion() {
        return versionOf(MIGRATIONS.get(MIGRATIONS.size() - 1));
    }

    private static int inTransaction(DataSource dataSource, Transactions.Work<Integer> work) {
        try (Connection connection = dataSource.getConnection()) {
            return Transactions.inTransaction(connection, Transactions.Isolation.SESSION_DEFAULT, 0,
                    tx -> work.run(tx.connection()));
        } catch (SQLException e) {
            throw new StorageException("applying the Gapless schema failed: " + e.getMessage(), e.getSQLState(),
                    null, e);
        }
    }

    private static int applyIn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
        }
        String schema = currentSchema(connection);
        Set<Integer> done = own(connection);
        List<ToolHistories.Record> tools = ToolHistories.read(connection, MIGRATIONS);
        for (ToolHistories.Record record : tools) {
            done.addAll(record.versions());
        }
        List<String> pending = new ArrayList<>();
        for (String script : MIGRATIONS) {
            if (!done.contains(versionOf(script))) {
                pending.add(script);
            }
        }
        if (pending.isEmpty()) {
            return 0;
        }
        if (!tools.isEmpty()) {
            ToolHistories.Record owner = tools.get(0);
            throw new StorageException(owner.tool() + " migrated Gapless's schema in \"" + schema + "\" (table "
                    + owner.table() + ") and has not applied " + String.join(", ", pending) + ": run "
                    + owner.tool() + " to apply them; Schema.apply changes nothing in a schema that " + owner.tool()
                    + " migrates", null, null, null);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS gapless_schema_history ("
                    + " version integer PRIMARY KEY, script text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
        }
        for (String script : pending) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(read(script));
            }
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO gapless_schema_history (version, script) VALUES (?, ?)")) {
                record.setInt(1, versionOf(script));
                record.setString(2, script);
                record.executeUpdate();
            }
        }
        return pending.size();
    }

    private static String currentSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_schema(), current_setting('search_path')")) {
            row.next();
            if (row.getString(1) == null) {
                throw new SQLException("the connection has no current schema: its search_path (" + row.getString(2)
                        + ") names no schema that exists; create the schema first, or correct currentSchema in"
                        + " the JDBC URL", "3F000");
            }
            return row.getString(1);
        }
    }

    /** The versions in gapless_schema_history of the current schema, if it has one. */
    private static Set<Integer> own(Connection connection) throws SQLException {
        Set<Integer> done = new HashSet<>();
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery("SELECT to_regclass(quote_ident(current_schema())"
                     + " || '.gapless_schema_history') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return done;
            }
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM gapless_schema_history")) {
            while (rows.next()) {
                done.add(rows.getInt(1));
            }
        }
        return done;
    }

    static int versionOf(String script) {
        return ToolHistories.versionOf(script);
    }

    /**
     * The text of one migration.
     *
     * @param script a name from {@link #MIGRATIONS}
     * @return its SQL
     */
    static String read(String script) {
        String path = "/" + LOCATION + "/" + script;
        try (InputStream in = Schema.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration missing from the classpath: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
