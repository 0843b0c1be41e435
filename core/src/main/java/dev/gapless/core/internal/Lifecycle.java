package dev.gapless.core.internal;

import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.HistoryPage;
import dev.gapless.core.HistoryQuery;
import dev.gapless.core.VersionSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of an artifact's life after its versions are written: paged and per-file history, deletion, the oldest
 * kept version. Every method runs on the caller's connection and transaction. Stateless.
 */
public final class Lifecycle {

    private Lifecycle() {
    }

    /** The oldest version still stored: 1 unless the artifact was pruned. */
    public static int oldestKept(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT oldest_version FROM artifact_retention WHERE artifact_id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 1;
            }
        }
    }

    /** Fails with {@link dev.gapless.core.VersionPrunedException} when version {@code number} was pruned. */
    public static void requireKept(Connection c, UUID id, Integer number) throws SQLException {
        if (number != null) {
            VersionFiles.requireKept(id, VersionFiles.span(c, id), number);
        }
    }

    /** The version written with idempotency key {@code key}, or {@code null}. */
    public static Integer versionOfKey(Connection c, UUID id, String key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version_number FROM artifact_versions"
                + " WHERE artifact_id = ? AND idempotency_key = ?")) {
            select.setObject(1, id);
            select.setString(2, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    /** One page of history, newest first; run in a repeatable-read transaction. */
    public static HistoryPage history(Connection c, UUID id, HistoryQuery query) throws SQLException {
        if (Storage.readHead(c, id) == null) {
            throw new ArtifactNotFoundException(id);
        }
        String file = query.file();
        String sql = "SELECT v.version_number, v.change_summary, v.file_count, v.idempotency_key, v.created_at"
                + " FROM artifact_versions v WHERE v.artifact_id = ? AND v.version_number < ?"
                + (file == null ? "" : " AND EXISTS (SELECT 1 FROM gapless_change_leaves(v.change_json) l"
                + " WHERE ? IN (l.leaf ->> 'filename', l.leaf -> 'file' ->> 'filename', l.leaf ->> 'source'))")
                + " ORDER BY v.version_number DESC LIMIT ?";
        List<VersionSummary> out = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(sql)) {
            int i = 1;
            select.setObject(i++, id);
            select.setInt(i++, query.before() == null ? Integer.MAX_VALUE : query.before());
            if (file != null) {
                select.setString(i++, InputValidator.normalizeFilename(file));
            }
            select.setInt(i, query.limit() + 1);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    out.add(new VersionSummary(rows.getInt(1), rows.getString(2), rows.getInt(3), rows.getString(4),
                            rows.getTimestamp(5).toInstant()));
                }
            }
        }
        if (out.size() <= query.limit()) {
            return new HistoryPage(out, null);
        }
        List<VersionSummary> page = out.subList(0, query.limit());
        return new HistoryPage(page, page.get(page.size() - 1).number());
    }

    /**
     * Deletes one artifact from every table, in one statement (the foreign keys cascade; a trigger deletes its
     * contents). A writer holding the artifact's lock is waited for and deleted with it; one that comes after finds
     * no artifact.
     *
     * @return whether it existed
     */
    public static boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM artifacts WHERE id = ?")) {
            delete.setObject(1, id);
            return delete.executeUpdate() == 1;
        }
    }

    /** Deletes every artifact of a chat, in one statement; returns their ids. */
    public static List<UUID> deleteChat(Connection c, String chatId) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM artifacts WHERE chat_id = ? RETURNING id")) {
            delete.setString(1, chatId);
            try (ResultSet rows = delete.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }
}
