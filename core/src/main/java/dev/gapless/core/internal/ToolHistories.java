package dev.gapless.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads which of Gapless's migrations a schema tool (Flyway, Liquibase) recorded as applied in the current schema, so
 * that {@code Schema.apply} neither applies them a second time nor competes with the tool that owns them.
 *
 * <p>A table is taken for a Flyway history table when it has Flyway's columns, and for a Liquibase change log when it
 * has Liquibase's, whatever its name. A Flyway row counts when it succeeded and its script is one of Gapless's; a
 * Flyway baseline counts when its description is {@value #FLYWAY_BASELINE_DESCRIPTION}. A Liquibase row counts when
 * its author is {@value #LIQUIBASE_AUTHOR} and its id is one of Gapless's scripts. Stateless and thread-safe.
 */
public final class ToolHistories {

    /** The description a Flyway baseline of a schema that {@code Schema.apply} made carries (see docs/schema.md). */
    public static final String FLYWAY_BASELINE_DESCRIPTION = "Gapless baseline";

    /** The author of every change set in Gapless's Liquibase change log. */
    public static final String LIQUIBASE_AUTHOR = "gapless";

    private static final List<String> FLYWAY_COLUMNS = List.of("installed_rank", "version", "description", "type",
            "script", "success");
    private static final List<String> LIQUIBASE_COLUMNS = List.of("id", "author", "filename", "dateexecuted",
            "orderexecuted", "exectype");

    /**
     * What one tool's table records of Gapless's migrations.
     *
     * @param tool     "Flyway" or "Liquibase"
     * @param table    the table's name in the current schema
     * @param versions the versions of Gapless's migrations it records as applied
     */
    public record Record(String tool, String table, Set<Integer> versions) {
    }

    private ToolHistories() {
    }

    /**
     * Reads every tool table of the current schema that records at least one of Gapless's migrations.
     *
     * @param connection an open connection; its current schema is the one read
     * @param scripts    Gapless's migration scripts, in order ({@code V<n>__<name>.sql})
     * @return the tables that record Gapless's migrations; empty when no tool migrated them
     * @throws SQLException if the database fails a query
     */
    public static List<Record> read(Connection connection, List<String> scripts) throws SQLException {
        List<Record> records = new ArrayList<>();
        for (String table : tablesWith(connection, FLYWAY_COLUMNS)) {
            Set<Integer> versions = new TreeSet<>();
            try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery(
                    "SELECT version, description, type, script FROM " + quote(table) + " WHERE success")) {
                while (rows.next()) {
                    if ("BASELINE".equals(rows.getString(3))
                            && FLYWAY_BASELINE_DESCRIPTION.equals(rows.getString(2))) {
                        int baseline = parseVersion(rows.getString(1));
                        for (int v = 1; v <= baseline; v++) {
                            versions.add(v);
                        }
                    } else if (scripts.contains(rows.getString(4))) {
                        versions.add(parseVersion(rows.getString(1)));
                    }
                }
            }
            add(records, "Flyway", table, versions);
        }
        for (String table : tablesWith(connection, LIQUIBASE_COLUMNS)) {
            Set<Integer> versions = new TreeSet<>();
            try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery(
                    "SELECT id FROM " + quote(table) + " WHERE author = '" + LIQUIBASE_AUTHOR + "'"
                            + " AND exectype IN ('EXECUTED', 'MARK_RAN', 'RERAN')")) {
                while (rows.next()) {
                    int index = scripts.indexOf(rows.getString(1));
                    if (index >= 0) {
                        versions.add(versionOf(scripts.get(index)));
                    }
                }
            }
            add(records, "Liquibase", table, versions);
        }
        return records;
    }

    /**
     * The version of a migration script named in Flyway's way.
     *
     * @param script e.g. {@code V4__storage_v2.sql}
     * @return e.g. 4
     * @throws IllegalStateException if the name is not {@code V<n>__<name>}
     */
    public static int versionOf(String script) {
        int end = script.indexOf("__");
        if (!script.startsWith("V") || end < 2) {
            throw new IllegalStateException("migration not in Flyway naming: " + script);
        }
        return Integer.parseInt(script.substring(1, end));
    }

    private static void add(List<Record> records, String tool, String table, Set<Integer> versions) {
        if (!versions.isEmpty()) {
            records.add(new Record(tool, table, Set.copyOf(versions)));
        }
    }

    private static int parseVersion(String version) {
        try {
            return version == null ? 0 : Integer.parseInt(version.trim());
        } catch (NumberFormatException e) {
            return 0; // not one of Gapless's (its versions are integers)
        }
    }

    private static List<String> tablesWith(Connection connection, List<String> columns) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT table_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND column_name = ANY (?)"
                + " GROUP BY table_name HAVING count(*) = ? ORDER BY table_name")) {
            s.setArray(1, connection.createArrayOf("text", columns.toArray()));
            s.setInt(2, columns.size());
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
