package dev.gapless.core.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ConfigurationException;
import dev.gapless.core.PruneResult;
import dev.gapless.core.Retention;
import dev.gapless.core.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Prunes an artifact's oldest versions in bounded steps, each its own short transaction, none of which takes the
 * artifact's lock:
 *
 * <ol>
 *   <li>decide the oldest version to keep, write a manifest of it (so that it and every later version read back
 *       without the pruned changes) and record it in {@code artifact_retention}: from then on, reading an older
 *       version raises {@link dev.gapless.core.VersionPrunedException};</li>
 *   <li>delete the older versions (their manifests cascade), {@code batch} at a time;</li>
 *   <li>delete the contents that no file of the head, kept change or manifest references, {@code batch} at a time,
 *       each delete checking again the rows written since the references were read.</li>
 * </ol>
 *
 * <p>Writers go on beside it: none of these statements locks the artifact's row or anything a writer locks, except
 * the contents a step deletes, and none waits for a writer: a content a writer holds is skipped (a later prune
 * collects it if it is still unreferenced then). Safe to run concurrently with itself. Thread-safe.
 */
public final class Pruner {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MARK_ATTEMPTS = 5;

    private final Writer connections;
    private final TimeSource time;
    private final int batch;

    /**
     * @param connections the store's connections
     * @param time        the store's time source: what "now" is for {@link Retention.KeepFor}
     * @param batch       the most rows one step deletes
     */
    public Pruner(Writer connections, TimeSource time, int batch) {
        this.connections = connections;
        this.time = time;
        this.batch = batch;
    }

    /**
     * Prunes what {@code retention} does not keep.
     *
     * @param maxSteps the most delete steps to run (the rest is left to a later call), or {@link Integer#MAX_VALUE}
     */
    public PruneResult prune(UUID id, Retention retention, int maxSteps) {
        try {
            return connections.read(null, c -> prune(c, id, retention, maxSteps));
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) {
                throw new ArtifactNotFoundException(id);
            }
            StorageException mapped = Writer.readFailure(e);
            if (mapped instanceof ConfigurationException) {
                throw mapped;
            }
            throw new StorageException("pruning artifact " + id + " failed (SQLSTATE " + e.getSQLState() + ")",
                    e.getSQLState(), null, e);
        }
    }

    private PruneResult prune(Connection c, UUID id, Retention retention, int maxSteps) throws SQLException {
        int oldest = markOldest(c, id, retention);
        int[] steps = {0};
        int versions = deleteVersions(c, id, oldest, maxSteps, steps);
        long[] removed = {0, 0};
        if (steps[0] < maxSteps && oldest > 1 && (versions > 0 || maxSteps == Integer.MAX_VALUE)) {
            collectContents(c, id, maxSteps, steps, removed);
        }
        return new PruneResult(id, oldest, versions, (int) removed[0], removed[1]);
    }

    /**
     * Step 1, in one transaction: the oldest version kept, with its manifest and its record. A concurrent prune of
     * the same artifact that wrote either first makes this REPEATABLE READ transaction fail with 40001; it is run
     * again, reading what that prune recorded.
     */
    private int markOldest(Connection connection, UUID id, Retention retention) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return markOldestOnce(connection, id, retention);
            } catch (SQLException e) {
                boolean retryable = SqlErrors.classify(e).retryable(SqlErrors.RetryScope.SERIALIZATION, false);
                if (!retryable || attempt == MARK_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private int markOldestOnce(Connection connection, UUID id, Retention retention) throws SQLException {
        return Transactions.inTransaction(connection, Transactions.Isolation.REPEATABLE_READ, 0, tx -> {
            Connection c = tx.connection();
            VersionFiles.Span span = VersionFiles.span(c, id);
            int cutoff = Math.min(span.head(), cutoff(c, id, span.head(), retention));
            if (span.head() == 0 || cutoff <= span.oldest()) {
                return span.head() == 0 ? 0 : span.oldest();
            }
            writeManifest(c, id, cutoff, span.head());
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO artifact_retention (artifact_id,"
                    + " oldest_version) VALUES (?, ?) ON CONFLICT (artifact_id) DO UPDATE"
                    + " SET oldest_version = greatest(artifact_retention.oldest_version, excluded.oldest_version)")) {
                upsert.setObject(1, id);
                upsert.setInt(2, cutoff);
                upsert.executeUpdate();
            }
            return cutoff;
        });
    }

    private int cutoff(Connection c, UUID id, int head, Retention retention) throws SQLException {
        if (retention instanceof Retention.KeepLast keep) {
            return Math.max(1, head - keep.versions() + 1);
        }
        if (retention instanceof Retention.KeepAfter keep) {
            return keep.version() + 1;
        }
        Instant since = retention instanceof Retention.KeepSince keep ? keep.time()
                : time.instant().minus(((Retention.KeepFor) retention).age());
        try (PreparedStatement select = c.prepareStatement("SELECT min(version_number) FROM artifact_versions"
                + " WHERE artifact_id = ? AND created_at >= ?")) {
            select.setObject(1, id);
            select.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                int first = rows.getInt(1);
                return rows.wasNull() ? head : first;
            }
        }
    }

    private static void writeManifest(Connection c, UUID id, int version, int head) throws SQLException {
        ArrayNode files = MAPPER.createArrayNode();
        for (Map.Entry<String, ChangeJson.Entry> e : VersionFiles.entries(c, id, version, head, null).entrySet()) {
            ChangeJson.Entry entry = e.getValue();
            files.addArray().add(e.getKey()).add(entry.info().language()).add(entry.info().description())
                    .add(entry.sha256().hex()).add(entry.info().bytes());
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO artifact_manifests (artifact_id,"
                + " version_number, files) VALUES (?, ?, ?::jsonb) ON CONFLICT DO NOTHING")) {
            insert.setObject(1, id);
            insert.setInt(2, version);
            insert.setString(3, ChangeJson.text(files));
            insert.executeUpdate();
        }
    }

    /** Step 2: the versions before {@code oldest}, {@code batch} at a time, oldest first. */
    private int deleteVersions(Connection c, UUID id, int oldest, int maxSteps, int[] steps) throws SQLException {
        int removed = 0;
        int from;
        try (PreparedStatement select = c.prepareStatement(
                "SELECT min(version_number) FROM artifact_versions WHERE artifact_id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                from = rows.getInt(1);
            }
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM artifact_versions"
                + " WHERE artifact_id = ? AND version_number >= ? AND version_number < ?")) {
            while (from < oldest && steps[0] < maxSteps) {
                int to = (int) Math.min(oldest, (long) from + batch);
                delete.setObject(1, id);
                delete.setInt(2, from);
                delete.setInt(3, to);
                removed += delete.executeUpdate();
                steps[0]++;
                from = to;
            }
        }
        return removed;
    }

    /** Step 3: contents that nothing kept references, found once, then deleted {@code batch} at a time. */
    private void collectContents(Connection c, UUID id, int maxSteps, int[] steps, long[] removed)
            throws SQLException {
        Integer head = Storage.readHead(c, id);
        if (head == null) {
            return;
        }
        List<byte[]> candidates = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT c.sha256 FROM artifact_contents c"
                + " WHERE c.artifact_id = ? AND NOT EXISTS (SELECT 1 FROM artifact_files f"
                + " WHERE f.artifact_id = c.artifact_id AND f.sha256 = c.sha256)"
                + " EXCEPT SELECT decode(p #>> '{}', 'hex') FROM artifact_versions v,"
                + " jsonb_path_query(v.change_json, 'strict $.**.sha256') AS p WHERE v.artifact_id = ?"
                + " EXCEPT SELECT decode(e.value ->> 3, 'hex') FROM artifact_manifests m,"
                + " jsonb_array_elements(m.files) AS e(value) WHERE m.artifact_id = ?")) {
            select.setObject(1, id);
            select.setObject(2, id);
            select.setObject(3, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    candidates.add(rows.getBytes(1));
                }
            }
        }
        // the references written since the candidates were found are checked again by each delete
        // SKIP LOCKED: a content a writer holds (its new file row references it, a KEY SHARE lock) is left for a
        // later prune rather than waited for. Waiting while this statement holds the rows it already deleted made a
        // deadlock with a writer that references one of those next (group commit writes several members' files),
        // and the deadlock detector could pick the prune as its victim
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM artifact_contents c"
                + " WHERE (c.artifact_id, c.sha256) IN (SELECT l.artifact_id, l.sha256 FROM artifact_contents l"
                + " WHERE l.artifact_id = ? AND l.sha256 = ANY (?::bytea[]) FOR UPDATE SKIP LOCKED)"
                + " AND NOT EXISTS (SELECT 1 FROM artifact_files f WHERE f.artifact_id = c.artifact_id"
                + " AND f.sha256 = c.sha256)"
                + " AND NOT EXISTS (SELECT 1 FROM artifact_versions v,"
                + " jsonb_path_query(v.change_json, 'strict $.**.sha256') AS p WHERE v.artifact_id = c.artifact_id"
                + " AND v.version_number > ? AND p #>> '{}' = encode(c.sha256, 'hex'))"
                + " AND NOT EXISTS (SELECT 1 FROM artifact_manifests m, jsonb_array_elements(m.files) AS e(value)"
                + " WHERE m.artifact_id = c.artifact_id AND m.version_number > ?"
                + " AND e.value ->> 3 = encode(c.sha256, 'hex'))"
                + " RETURNING octet_length(c.content)")) {
            for (int i = 0; i < candidates.size() && steps[0] < maxSteps; i += batch) {
                delete.setObject(1, id);
                delete.setObject(2, candidates.subList(i, Math.min(candidates.size(), i + batch))
                        .toArray(byte[][]::new));
                delete.setInt(3, head);
                delete.setInt(4, head);
                steps[0]++;
                try (ResultSet rows = delete.executeQuery()) {
                    while (rows.next()) {
                        removed[0]++;
                        removed[1] += rows.getLong(1);
                    }
                } catch (SQLException e) {
                    // a writer put one of these contents back into a file meanwhile (the foreign key said so):
                    // this batch stays, a later prune collects what is still unreferenced then
                    if (!"23503".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
    }
}
