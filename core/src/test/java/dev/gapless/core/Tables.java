package dev.gapless.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads of every table that stores rows of artifacts, found from the catalog (so a new table is checked too). */
final class Tables {

    private Tables() {
    }

    /** The tables of the schema with an artifact column ({@code artifact_id}, or {@code id} of artifacts). */
    static List<String> artifactTables(DataSource dataSource) {
        List<String> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
                        + " AND column_name = 'artifact_id' AND table_name IN (SELECT table_name"
                        + " FROM information_schema.tables WHERE table_type = 'BASE TABLE') ORDER BY 1");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return tables;
    }

    /** The rows each table holds for {@code ids}, by table ({@code artifacts} included). */
    static Map<String, Long> rowsOf(DataSource dataSource, List<UUID> ids) {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> tables = new ArrayList<>(artifactTables(dataSource));
        try (Connection c = dataSource.getConnection()) {
            counts.put("artifacts", count(c, "SELECT count(*) FROM artifacts WHERE id = ANY (?)", ids));
            for (String table : tables) {
                counts.put(table, count(c, "SELECT count(*) FROM " + table + " WHERE artifact_id = ANY (?)", ids));
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return counts;
    }

    /** Rows of one table for one artifact. */
    static long rows(DataSource dataSource, String table, UUID id) {
        try (Connection c = dataSource.getConnection()) {
            return count(c, "SELECT count(*) FROM " + table + " WHERE artifact_id = ANY (?)", List.of(id));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static long count(Connection c, String sql, List<UUID> ids) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, ids.toArray(UUID[]::new));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
