package dev.gapless.core.internal;

import dev.gapless.core.Artifact;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Creating and finding artifacts. Stateless. */
public final class Artifacts {

    private static final int GET_OR_CREATE_ATTEMPTS = 5;

    private Artifacts() {
    }

    /**
     * Race-free get-or-create, in a READ COMMITTED transaction set inside the transaction (a session default left
     * by another client of a pooled connection does not apply). A serialization failure or deadlock, which only a
     * stricter isolation forced on the session by someone else could cause, is retried a few times.
     */
    public static Artifact getOrCreate(Connection c, String chatId, String type, String title) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return Transactions.inTransaction(c, Transactions.Isolation.READ_COMMITTED, 0,
                        tx -> Storage.getOrCreate(tx.connection(), chatId, type, title));
            } catch (SQLException e) {
                boolean retryable = SqlErrors.classify(e).retryable(SqlErrors.RetryScope.SERIALIZATION, false);
                if (!retryable || attempt >= GET_OR_CREATE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The artifact with that id, if any. */
    public static Optional<Artifact> find(Connection c, UUID id) throws SQLException {
        return Storage.findArtifact(c, id);
    }

    /** The artifact of a chat and type, if any. */
    public static Optional<Artifact> find(Connection c, String chatId, String type) throws SQLException {
        return Storage.findArtifact(c, chatId, type);
    }

    /** A chat's artifacts, oldest first. */
    public static java.util.List<Artifact> of(Connection c, String chatId) throws SQLException {
        return Storage.artifactsOf(c, chatId);
    }

    /** Up to {@code limit} chat ids, the chat with the newest artifact first. */
    public static java.util.List<String> chats(Connection c, int limit) throws SQLException {
        return Storage.chats(c, limit);
    }
}
