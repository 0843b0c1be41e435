package dev.gapless.core.internal;

import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.FeedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The change feed's reads: an artifact's versions after a position, and artifacts' heads. Stateless. */
final class FeedQueries {

    /** An artifact with at least one version: its chat, type and head. */
    record Head(UUID id, String chatId, String type, int head) {
    }

    private FeedQueries() {
    }

    /**
     * Up to {@code limit} versions of one artifact after {@code after}, oldest first, in one statement.
     *
     * @throws ArtifactNotFoundException if no artifact has that id
     */
    static List<FeedEvent> after(Connection c, UUID id, int after, int limit) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT a.chat_id, a.type, v.version_number,"
                + " v.change_summary, v.file_count, v.idempotency_key, v.created_at FROM artifacts a"
                + " LEFT JOIN artifact_versions v ON v.artifact_id = a.id AND v.version_number > ?"
                + " WHERE a.id = ? ORDER BY v.version_number LIMIT ?")) {
            select.setInt(1, after);
            select.setObject(2, id);
            select.setInt(3, limit);
            try (ResultSet rows = select.executeQuery()) {
                List<FeedEvent> out = new ArrayList<>();
                boolean found = false;
                while (rows.next()) {
                    found = true;
                    int number = rows.getInt(3);
                    if (!rows.wasNull()) {
                        Timestamp at = rows.getTimestamp(7);
                        out.add(new FeedEvent(id, rows.getString(1), rows.getString(2), number, rows.getString(4),
                                rows.getInt(5), rows.getString(6), at == null ? null : at.toInstant()));
                    }
                }
                if (!found) {
                    throw new ArtifactNotFoundException(id);
                }
                return out;
            }
        }
    }

    /** The heads of the given artifacts that exist, in one statement. */
    static java.util.Map<UUID, Integer> headsOf(Connection c, java.util.Collection<UUID> ids) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT id, head_version FROM artifacts WHERE id = ANY (?)")) {
            select.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                java.util.Map<UUID, Integer> out = new java.util.HashMap<>();
                while (rows.next()) {
                    out.put(rows.getObject(1, UUID.class), rows.getInt(2));
                }
                return out;
            }
        }
    }

    /** Every artifact with a version, of one chat or ({@code chatId} null) of all chats, oldest first. */
    static List<Head> heads(Connection c, String chatId) throws SQLException {
        String sql = "SELECT id, chat_id, type, head_version FROM artifacts WHERE head_version > 0"
                + (chatId == null ? "" : " AND chat_id = ?") + " ORDER BY created_at, id";
        try (PreparedStatement select = c.prepareStatement(sql)) {
            if (chatId != null) {
                select.setString(1, chatId);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<Head> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(new Head(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3),
                            rows.getInt(4)));
                }
                return out;
            }
        }
    }
}
