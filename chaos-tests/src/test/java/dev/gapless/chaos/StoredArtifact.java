package dev.gapless.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Every row that storage v2 keeps for one artifact, read raw with plain SQL in one repeatable-read snapshot, never
 * through core's reader: what the {@link HistoryChecker} reconstructs the history from.
 *
 * @param id         the artifact
 * @param head       {@code artifacts.head_version}, or {@code null} when the artifact row is missing
 * @param fileCount  {@code artifacts.file_count}
 * @param totalBytes {@code artifacts.total_bytes}
 * @param versions   {@code artifact_versions} by number
 * @param contents   {@code artifact_contents}: content by the hex of its stored {@code sha256} key
 * @param headFiles  {@code artifact_files} in snapshot order ({@code added_version, added_index}, then filename)
 * @param manifests  {@code artifact_manifests}: the {@code files} JSON by version
 * @param oldest     {@code artifact_retention.oldest_version}: the oldest version kept by a prune (1 when never pruned)
 */
record StoredArtifact(UUID id, Integer head, long fileCount, long totalBytes, TreeMap<Integer, VersionRow> versions,
                      Map<String, String> contents, List<HeadFile> headFiles, TreeMap<Integer, String> manifests,
                      int oldest) {

    /**
     * One row of {@code artifact_versions}.
     *
     * @param number    {@code version_number}
     * @param change    {@code change_json} as text
     * @param summary   {@code change_summary}
     * @param key       {@code idempotency_key}, or {@code null}
     * @param fileCount {@code file_count}
     */
    record VersionRow(int number, String change, String summary, String key, long fileCount) {
    }

    /**
     * One row of {@code artifact_files}.
     *
     * @param file         the file as the row describes it
     * @param addedVersion {@code added_version}
     * @param addedIndex   {@code added_index}
     */
    record HeadFile(StoredJson.FileRef file, int addedVersion, int addedIndex) {
    }

    private static final HexFormat HEX = HexFormat.of();

    /** Reads the artifact's rows in one read-only repeatable-read transaction, leaving {@code c} as it was. */
    static StoredArtifact read(Connection c, UUID id) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            return readInTransaction(c, id);
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }

    private static StoredArtifact readInTransaction(Connection c, UUID id) throws SQLException {
        Integer head = null;
        long fileCount = 0;
        long totalBytes = 0;
        try (ResultSet r = query(c, "SELECT head_version, file_count, total_bytes FROM artifacts WHERE id = ?", id)) {
            if (r.next()) {
                head = r.getInt(1);
                fileCount = r.getLong(2);
                totalBytes = r.getLong(3);
            }
        }
        TreeMap<Integer, VersionRow> versions = new TreeMap<>();
        try (ResultSet r = query(c, "SELECT version_number, change_json::text, change_summary, idempotency_key,"
                + " file_count FROM artifact_versions WHERE artifact_id = ?", id)) {
            while (r.next()) {
                versions.put(r.getInt(1), new VersionRow(r.getInt(1), r.getString(2), r.getString(3),
                        r.getString(4), r.getLong(5)));
            }
        }
        Map<String, String> contents = new HashMap<>();
        try (ResultSet r = query(c, "SELECT sha256, content FROM artifact_contents WHERE artifact_id = ?", id)) {
            while (r.next()) {
                contents.put(HEX.formatHex(r.getBytes(1)), r.getString(2));
            }
        }
        List<HeadFile> headFiles = new ArrayList<>();
        try (ResultSet r = query(c, "SELECT filename, language, description, sha256, bytes, added_version,"
                + " added_index FROM artifact_files WHERE artifact_id = ?"
                + " ORDER BY added_version, added_index, filename", id)) {
            while (r.next()) {
                headFiles.add(new HeadFile(new StoredJson.FileRef(r.getString(1), r.getString(2), r.getString(3),
                        HEX.formatHex(r.getBytes(4)), r.getLong(5)), r.getInt(6), r.getInt(7)));
            }
        }
        TreeMap<Integer, String> manifests = new TreeMap<>();
        try (ResultSet r = query(c, "SELECT version_number, files::text FROM artifact_manifests"
                + " WHERE artifact_id = ?", id)) {
            while (r.next()) {
                manifests.put(r.getInt(1), r.getString(2));
            }
        }
        int oldest = 1;
        try (ResultSet r = query(c, "SELECT oldest_version FROM artifact_retention WHERE artifact_id = ?", id)) {
            if (r.next()) {
                oldest = r.getInt(1);
            }
        }
        return new StoredArtifact(id, head, fileCount, totalBytes, versions, contents, headFiles, manifests, oldest);
    }

    private static ResultSet query(Connection c, String sql, UUID id) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        s.closeOnCompletion();
        s.setObject(1, id);
        return s.executeQuery();
    }
}
