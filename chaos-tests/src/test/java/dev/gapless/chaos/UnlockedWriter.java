package dev.gapless.chaos;

import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Snapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A broken storage-v2 writer, of the kind a developer might plausibly write: it reads the head's files without a
 * lock, computes the new file list from that snapshot, then takes the next version number atomically
 * ({@code UPDATE … RETURNING}, so it never collides) and writes the version, the head's files (all deleted and
 * re-inserted from its list) and a manifest at its version. Every change is stored at a version of its own, but a
 * writer that read before another committed rewrites the head and its manifest without the other's files. For the
 * {@link HistoryCheckerSelfTest} only.
 */
final class UnlockedWriter {

    private UnlockedWriter() {
    }

    /**
     * Appends {@code change} the broken way.
     *
     * @param afterRead run between the unlocked read and the write (the self-test lines writers up there)
     * @return what the writer would tell its caller
     */
    static Outcome append(DataSource ds, UUID artifact, Change change, String key, Runnable afterRead) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                Snapshot stale = readHead(c, artifact);
                afterRead.run();
                Snapshot next = change.apply(stale);
                insertContents(c, artifact, change);
                int version = takeNextNumber(c, artifact);
                insertVersion(c, artifact, version, change, change.summary(stale), key, next.size());
                rewriteHead(c, artifact, version, next);
                c.commit();
                return new Outcome.Acked(version, false);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                return new Outcome.Failed(e.getClass().getSimpleName(), false);
            }
        } catch (SQLException e) {
            return new Outcome.Failed(e.getClass().getSimpleName(), false);
        }
    }

    private static Snapshot readHead(Connection c, UUID artifact) throws SQLException {
        List<CodeFile> files = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT f.filename, f.language, c.content, f.description"
                + " FROM artifact_files f JOIN artifact_contents c ON c.artifact_id = f.artifact_id"
                + " AND c.sha256 = f.sha256 WHERE f.artifact_id = ? ORDER BY f.added_version, f.added_index")) {
            s.setObject(1, artifact);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    files.add(new CodeFile(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
                }
            }
        }
        return new Snapshot(files);
    }

    private static void insertContents(Connection c, UUID artifact, Change change) throws SQLException {
        TreeMap<String, String> contents = new TreeMap<>();
        collectContents(change, contents);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_contents (artifact_id, sha256, content)"
                + " VALUES (?, decode(?, 'hex'), ?) ON CONFLICT DO NOTHING")) {
            for (var e : contents.entrySet()) {
                s.setObject(1, artifact);
                s.setString(2, e.getKey());
                s.setString(3, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void collectContents(Change change, TreeMap<String, String> into) {
        if (change instanceof Change.PutFile put) {
            into.put(StoredJson.sha256Hex(put.file().content()), put.file().content());
        } else if (change instanceof Change.Batch batch) {
            batch.changes().forEach(inner -> collectContents(inner, into));
        }
    }

    private static int takeNextNumber(Connection c, UUID artifact) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE artifacts SET head_version = head_version + 1 WHERE id = ? RETURNING head_version")) {
            s.setObject(1, artifact);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static void insertVersion(Connection c, UUID artifact, int version, Change change, String summary,
                                      String key, int fileCount) throws SQLException {
        String json = StoredJson.changeJson(change);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_versions (artifact_id, version_number,"
                + " change_json, change_summary, idempotency_key, file_count, request_sha256)"
                + " VALUES (?, ?, ?::jsonb, ?, ?, ?, decode(?, 'hex'))")) {
            s.setObject(1, artifact);
            s.setInt(2, version);
            s.setString(3, json);
            s.setString(4, summary);
            s.setString(5, key);
            s.setInt(6, fileCount);
            s.setString(7, StoredJson.sha256Hex(json));
            s.executeUpdate();
        }
    }

    /** The head's files, its manifest and counters, all from the list computed on the stale read. */
    private static void rewriteHead(Connection c, UUID artifact, int version, Snapshot files) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM artifact_files WHERE artifact_id = ?")) {
            s.setObject(1, artifact);
            s.executeUpdate();
        }
        long total = 0;
        try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_files (artifact_id, filename, language,"
                + " description, sha256, bytes, added_version, added_index)"
                + " VALUES (?, ?, ?, ?, decode(?, 'hex'), ?, ?, ?)")) {
            for (int i = 0; i < files.size(); i++) {
                CodeFile f = files.files().get(i);
                int bytes = (int) StoredJson.utf8Bytes(f.content());
                total += bytes;
                s.setObject(1, artifact);
                s.setString(2, f.filename());
                s.setString(3, f.language());
                s.setString(4, f.description());
                s.setString(5, StoredJson.sha256Hex(f.content()));
                s.setInt(6, bytes);
                s.setInt(7, version);
                s.setInt(8, i);
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_manifests (artifact_id, version_number,"
                + " files) VALUES (?, ?, ?::jsonb)")) {
            s.setObject(1, artifact);
            s.setInt(2, version);
            s.setString(3, StoredJson.manifestJson(files.files()));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE artifacts SET file_count = ?, total_bytes = ? WHERE id = ?")) {
            s.setInt(1, files.size());
            s.setLong(2, total);
            s.setObject(3, artifact);
            s.executeUpdate();
        }
    }
}
