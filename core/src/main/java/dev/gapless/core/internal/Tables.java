package dev.gapless.core.internal;

import dev.gapless.core.Artifact;
import dev.gapless.core.Snapshot;
import dev.gapless.core.Version;
import dev.gapless.core.VersionSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * All SQL that Gapless issues against {@code artifacts} and {@code artifact_versions}, in one place. Every method
 * runs on the caller's connection and transaction; none commits. Stateless.
 */
public final class Tables {

    private static final String ARTIFACT_COLUMNS = "id, chat_id, type, title, head_version, created_at";

    private Tables() {
    }

    /**
     * Race-free get-or-create: {@code INSERT … ON CONFLICT DO NOTHING}, then, if another writer created it first,
     * a read in a later statement (which sees the other writer's committed row).
     */
    public static Artifact getOrCreate(Connection c, String chatId, String type, String title) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO artifacts (chat_id, type, title)"
                + " VALUES (?, ?, ?) ON CONFLICT (chat_id, type) DO NOTHING RETURNING " + ARTIFACT_COLUMNS)) {
            insert.setString(1, chatId);
            insert.setString(2, type);
            insert.setString(3, title);
            try (ResultSet rows = insert.executeQuery()) {
                if (rows.next()) {
                    return artifact(rows);
                }
            }
        }
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE chat_id = ? AND type = ?")) {
            select.setString(1, chatId);
            select.setString(2, type);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    return artifact(rows);
                }
            }
        }
        throw new SQLException("artifact (" + chatId + ", " + type + ") neither inserted nor found", "P0002");
    }

    /** The artifact with that id, if any. */
    public static Optional<Artifact> findArtifact(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(artifact(rows)) : Optional.empty();
            }
        }
    }

    /** The artifact of a chat and type, if any. */
    public static Optional<Artifact> findArtifact(Connection c, String chatId, String type) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE chat_id = ? AND type = ?")) {
            select.setString(1, chatId);
            select.setString(2, type);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(artifact(rows)) : Optional.empty();
            }
        }
    }

    /** The head version without any lock (what the original code did), or {@code null} when no such artifact. */
    public static Integer readHead(Connection c, UUID id) throws SQLException {
        return head(c, "SELECT head_version FROM artifacts WHERE id = ?", id);
    }

    /**
     * Locks the artifact row until the transaction ends and returns its head version, or {@code null} when no
     * such artifact. Read the previous content in a <em>later</em> statement: a statement that waited for this
     * lock still reads with its own, older snapshot (DESIGN.md, trap 1).
     */
    public static Integer lockHead(Connection c, UUID id) throws SQLException {
        return head(c, "SELECT head_version FROM artifacts WHERE id = ? FOR UPDATE", id);
    }

    private static Integer head(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    /**
     * What an append needs to know once it has the head, in one round trip: the content of version {@code head}
     * and whether a version already carries {@code key}.
     *
     * @param content    the head's snapshot (empty when head is 0)
     * @param keyVersion the version written with the key, or {@code null}
     * @param keySummary that version's summary, or {@code null}
     */
    public record Prior(Snapshot content, Integer keyVersion, String keySummary) {
    }

    /** Reads the head's content and the version holding {@code key} (if any) in one statement. */
    public static Prior readPrior(Connection c, UUID id, int head, String key) throws SQLException {
        Snapshot content = Snapshot.empty();
        boolean headFound = head == 0;
        Integer keyVersion = null;
        String keySummary = null;
        try (PreparedStatement select = c.prepareStatement("SELECT version_number, content_json::text,"
                + " change_summary, idempotency_key FROM artifact_versions"
                + " WHERE artifact_id = ? AND (version_number = ? OR idempotency_key = ?)")) {
            select.setObject(1, id);
            select.setInt(2, head);
            select.setString(3, key);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int number = rows.getInt(1);
                    if (number == head) {
                        content = JsonCodec.snapshotFromJson(rows.getString(2));
                        headFound = true;
                    }
                    if (key != null && key.equals(rows.getString(4))) {
                        keyVersion = number;
                        keySummary = rows.getString(3);
                    }
                }
            }
        }
        if (!headFound) {
            // head_version and the versions disagree: only a writer that bypassed Gapless can cause this
            throw new SQLException("artifact " + id + " has head " + head + " but no such version", "XX001");
        }
        return new Prior(content, keyVersion, keySummary);
    }

    /**
     * Inserts a version and commits, in one round trip: {@code INSERT …; COMMIT} goes out as one batch, so a
     * writer holding the artifact's lock pays one round trip less for it. If the INSERT fails, the server skips the
     * COMMIT and the transaction is left aborted for the caller to roll back; if it succeeds, the connection is idle
     * and the caller's {@link Connection#commit()} has nothing to do. Fails with 23505 on a taken number or key,
     * 23503 when the artifact does not exist.
     */
    public static void insertVersionAndCommit(Connection c, UUID id, int number, String contentJson,
                                              String changeJson, String summary, String key) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO artifact_versions (artifact_id,"
                + " version_number, content_json, change_json, change_summary, idempotency_key)"
                + " VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?); COMMIT")) {
            insert.setObject(1, id);
            insert.setInt(2, number);
            insert.setString(3, contentJson);
            insert.setString(4, changeJson);
            insert.setString(5, summary);
            insert.setString(6, key);
            insert.executeUpdate();
        }
    }

    /** Sets the head version (the caller holds the row lock or accepts the race). */
    public static void setHead(Connection c, UUID id, int head) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE artifacts SET head_version = ? WHERE id = ?")) {
            update.setInt(1, head);
            update.setObject(2, id);
            update.executeUpdate();
        }
    }

    /**
     * Moves the head from {@code expected} to {@code next} if it is still {@code expected}. Under READ COMMITTED a
     * concurrent mover makes this wait for its commit and then re-check the condition on the new row.
     *
     * @return {@code false} when the head had moved
     */
    public static boolean compareAndSetHead(Connection c, UUID id, int expected, int next) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE artifacts SET head_version = ? WHERE id = ? AND head_version = ?")) {
            update.setInt(1, next);
            update.setObject(2, id);
            update.setInt(3, expected);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Locks the artifact row by moving its head one up, and returns the head before the move, or {@code null} when
     * no such artifact. One round trip for what {@link #lockHead} and {@link #setHead} do in two; read the previous
     * content in a <em>later</em> statement (DESIGN.md, trap 1), and roll back if the append turns out to write
     * nothing.
     */
    public static Integer lockAndMoveHead(Connection c, UUID id) throws SQLException {
        return head(c, "UPDATE artifacts SET head_version = head_version + 1 WHERE id = ? RETURNING head_version - 1",
                id);
    }

    /** Takes a transaction-scoped advisory lock on a 64-bit key. */
    public static void advisoryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, key);
            lock.execute();
        }
    }

    /**
     * The outcome of {@code gapless_append}.
     *
     * @param version      the version written or found
     * @param summary      its summary
     * @param deduplicated whether the key had been applied before
     */
    public record FunctionResult(int version, String summary, boolean deduplicated) {
    }

    /**
     * Calls {@code gapless_append}: lock, read, apply, insert, as one statement; on an autocommit connection that is
     * one round trip, commit included. The function's lock wait is bounded by {@code timeoutMs} (it sets its own
     * {@code lock_timeout}); the statement as a whole by a client-side query timeout (whole seconds, rounded up).
     */
    public static FunctionResult callAppendFunction(Connection c, AppendRequest request, long timeoutMs)
            throws SQLException {
        try (PreparedStatement call = c.prepareStatement(
                "SELECT o_version, o_summary, o_deduplicated FROM gapless_append(?, ?::jsonb, ?, ?, ?)")) {
            call.setObject(1, request.artifactId());
            call.setString(2, JsonCodec.changeToJson(request.change()));
            call.setString(3, request.idempotencyKey());
            if (request.expectedVersion() == null) {
                call.setNull(4, java.sql.Types.INTEGER);
            } else {
                call.setInt(4, request.expectedVersion());
            }
            call.setInt(5, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMs)));
            call.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (timeoutMs + 999) / 1000)));
            try (ResultSet rows = call.executeQuery()) {
                rows.next();
                return new FunctionResult(rows.getInt(1), rows.getString(2), rows.getBoolean(3));
            }
        }
    }

    /**
     * A version to insert.
     *
     * @param number      its number
     * @param contentJson its snapshot as JSON
     * @param changeJson  its change as JSON
     * @param summary     its summary
     * @param key         its idempotency key, or {@code null}
     */
    public record NewVersion(int number, String contentJson, String changeJson, String summary, String key) {
    }

    /** Inserts several versions in one batch (one round trip with pgjdbc). */
    public static void insertVersions(Connection c, UUID id, List<NewVersion> versions) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO artifact_versions (artifact_id,"
                + " version_number, content_json, change_json, change_summary, idempotency_key)"
                + " VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?)")) {
            for (NewVersion v : versions) {
                insert.setObject(1, id);
                insert.setInt(2, v.number());
                insert.setString(3, v.contentJson());
                insert.setString(4, v.changeJson());
                insert.setString(5, v.summary());
                insert.setString(6, v.key());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The versions written with any of {@code keys}, by key, as (number, summary). */
    public static java.util.Map<String, Prior> findByKeys(Connection c, UUID id, java.util.Collection<String> keys)
            throws SQLException {
        java.util.Map<String, Prior> found = new java.util.HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        try (PreparedStatement select = c.prepareStatement("SELECT idempotency_key, version_number, change_summary"
                + " FROM artifact_versions WHERE artifact_id = ? AND idempotency_key = ANY (?)")) {
            select.setObject(1, id);
            select.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), new Prior(Snapshot.empty(), rows.getInt(2), rows.getString(3)));
                }
            }
        }
        return found;
    }

    /** The version written with {@code key}, as (number, summary), if any. */
    public static Optional<Prior> findByKey(Connection c, UUID id, String key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version_number, change_summary"
                + " FROM artifact_versions WHERE artifact_id = ? AND idempotency_key = ?")) {
            select.setObject(1, id);
            select.setString(2, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Prior(Snapshot.empty(), rows.getInt(1), rows.getString(2)))
                        : Optional.empty();
            }
        }
    }

    /** One version, or the latest when {@code number} is {@code null}. */
    public static Optional<Version> version(Connection c, UUID id, Integer number) throws SQLException {
        String where = number == null ? " ORDER BY version_number DESC LIMIT 1" : " AND version_number = ?";
        try (PreparedStatement select = c.prepareStatement("SELECT version_number, content_json::text,"
                + " change_json::text, change_summary, idempotency_key, created_at FROM artifact_versions"
                + " WHERE artifact_id = ?" + where)) {
            select.setObject(1, id);
            if (number != null) {
                select.setInt(2, number);
            }
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Version(id, rows.getInt(1), JsonCodec.snapshotFromJson(rows.getString(2)),
                        JsonCodec.changeFromJson(rows.getString(3)), rows.getString(4), rows.getString(5),
                        instant(rows.getTimestamp(6))));
            }
        }
    }

    /** Every version's summary line, oldest first. */
    public static List<VersionSummary> history(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version_number, change_summary,"
                + " jsonb_array_length(content_json -> 'files'), idempotency_key, created_at"
                + " FROM artifact_versions WHERE artifact_id = ? ORDER BY version_number")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                List<VersionSummary> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(new VersionSummary(rows.getInt(1), rows.getString(2), rows.getInt(3),
                            rows.getString(4), instant(rows.getTimestamp(5))));
                }
                return out;
            }
        }
    }

    private static Artifact artifact(ResultSet rows) throws SQLException {
        return new Artifact(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getInt(5), instant(rows.getTimestamp(6)));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
