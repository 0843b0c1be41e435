package dev.gapless.springboot;

import dev.gapless.core.GaplessException;
import dev.gapless.core.Schema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the health indicator reports, apart from the Actuator API (which Spring Boot 3 and 4 keep in different
 * packages): up when the database answers and Gapless's schema is at this jar's version, down otherwise, with the
 * reason. Each check reads the schema's history (two or three small queries). Thread-safe.
 */
final class GaplessHealth {

    /**
     * A health check's outcome.
     *
     * @param up      whether Gapless can write
     * @param details what the indicator shows: schema versions, the schema, or the error
     */
    record Check(boolean up, Map<String, Object> details) {
    }

    private final GaplessDatabase database;
    private final String strategy;

    GaplessHealth(GaplessDatabase database, String strategy) {
        this.database = database;
        this.strategy = strategy;
    }

    Check check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("strategy", strategy);
        if (database.schema() != null) {
            details.put("schema", database.schema());
        }
        try {
            int applied = Schema.appliedVersion(database.dataSource());
            details.put("schemaVersion", applied);
            details.put("expectedSchemaVersion", Schema.latestVersion());
            if (applied < Schema.latestVersion()) {
                details.put("error", "Gapless's schema is at version " + applied + ", this Gapless needs "
                        + Schema.latestVersion() + ": apply it (gapless.schema.apply, or the application's Flyway"
                        + " or Liquibase)");
                return new Check(false, details);
            }
            return new Check(true, details);
        } catch (GaplessException e) {
            details.put("error", e.getMessage());
            return new Check(false, details);
        }
    }
}
