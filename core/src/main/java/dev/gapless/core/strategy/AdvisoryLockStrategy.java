package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Serializes writers on {@code pg_advisory_xact_lock(key)}, the key being the artifact id folded to 64 bits, then
 * moves the head ({@code UPDATE … RETURNING}) and reads the previous content in later statements. Writers queue on
 * the advisory lock, not on the artifact row; two artifacts whose keys collide merely share a queue.
 */
final class AdvisoryLockStrategy extends SingleVersionStrategy {

    static final String NAME = "advisory-lock";

    AdvisoryLockStrategy(RetryPolicy policy) {
        super(NAME, policy);
    }

    @Override
    WriteContext.HeadUpdate headUpdate() {
        return WriteContext.HeadUpdate.ALREADY_MOVED;
    }

    @Override
    Integer head(Connection connection, AppendRequest request) throws SQLException {
        Tables.advisoryLock(connection, lockKey(request));
        return Tables.lockAndMoveHead(connection, request.artifactId());
    }

    /** The 64-bit advisory lock key of an artifact: its UUID's two halves XORed. */
    static long lockKey(AppendRequest request) {
        return request.artifactId().getMostSignificantBits() ^ request.artifactId().getLeastSignificantBits();
    }
}
