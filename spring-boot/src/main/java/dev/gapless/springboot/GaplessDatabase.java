package dev.gapless.springboot;

import dev.gapless.core.Schema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Where Gapless's tables are: the application's DataSource, switched to {@code gapless.schema.name} when that is set.
 * The store and the health indicator use it. Immutable and thread-safe.
 *
 * @param dataSource the connections Gapless uses
 * @param schema     the schema named by {@code gapless.schema.name}, or {@code null} for the DataSource's own
 */
public record GaplessDatabase(DataSource dataSource, String schema) {

    static GaplessDatabase of(DataSource application, String schema) {
        return new GaplessDatabase(schema == null ? application : new SchemaDataSource(application, schema), schema);
    }

    /**
     * Creates the schema if one is named and missing, then applies Gapless's migrations.
     *
     * @return the number of migrations applied
     * @throws dev.gapless.core.StorageException if the database refuses, or Flyway or Liquibase migrate Gapless's
     *                                           schema and have migrations left (nothing is applied then)
     * @throws IllegalStateException             if the schema cannot be created
     */
    int apply() {
        if (schema != null) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema.replace("\"", "\"\"") + "\"");
            } catch (SQLException e) {
                throw new IllegalStateException("gapless.schema.name: cannot create schema \"" + schema + "\": "
                        + e.getMessage(), e);
            }
        }
        return Schema.apply(dataSource);
    }
}
