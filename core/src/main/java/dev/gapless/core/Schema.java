package dev.gapless.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Applies Gapless's SQL migrations ({@code db/migration/V*__*.sql} on the classpath, Flyway naming) to a database.
 *
 * <p>Applying is idempotent and safe to run from several processes at once: it takes a transaction-scoped advisory
 * lock, records applied versions in {@code gapless_schema_history} and skips those already applied. Teams that run
 * Flyway can instead point it at {@code classpath:db/migration}.
 */
public final class Schema {

    /** The migrations, in order. A test checks that this list matches the files in {@code db/migration}. */
    static final List<String> MIGRATIONS = List.of("V1__create_artifacts.sql", "V2__server_function.sql",
            "V3__server_function_one_round_trip.sql", "V4__storage_v2.sql",
            "V8__lifecycle.sql");

    private static final long LOCK_KEY = 0x6761706c65737331L; // "gapless1"

    private Schema() {
    }

    /**
     * Applies every migration not yet applied, in one transaction.
     *
     * @param dataSource the database
     * @return the number of migrations applied by this call (0 when the schema was current)
     * @throws StorageException if the database rejects a migration; nothing is applied then
     * @throws NullPointerException if {@code dataSource} is {@code null}
     */
    public static int apply(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                int applied = applyIn(connection);
                connection.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StorageException("applying the Gapless schema failed: " + e.getMessage(), e.getSQLState(),
                    null, e);
        }
    }

    private static int applyIn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            statement.execute("CREATE TABLE IF NOT EXISTS gapless_schema_history ("
                    + " version integer PRIMARY KEY, script text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
        }
        Set<Integer> done = new HashSet<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM gapless_schema_history")) {
            while (rows.next()) {
                done.add(rows.getInt(1));
            }
        }
        int applied = 0;
        for (String script : MIGRATIONS) {
            int version = versionOf(script);
            if (done.contains(version)) {
                continue;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(read(script));
            }
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO gapless_schema_history (version, script) VALUES (?, ?)")) {
                record.setInt(1, version);
                record.setString(2, script);
                record.executeUpdate();
            }
            applied++;
        }
        return applied;
    }

    static int versionOf(String script) {
        int end = script.indexOf("__");
        if (!script.startsWith("V") || end < 2) {
            throw new IllegalStateException("migration not in Flyway naming: " + script);
        }
        return Integer.parseInt(script.substring(1, end));
    }

    private static String read(String script) {
        String path = "/db/migration/" + script;
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
