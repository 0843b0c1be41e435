package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Serializes writers on the artifact row: {@code UPDATE artifacts SET head_version = head_version + 1 … RETURNING}
 * takes the row lock and moves the head in one round trip; then the head's content is read in a later statement and
 * version head+1 inserted, in one transaction. A writer that waits for the lock reads
 * the previous holder's committed version, so among row-lock writers nothing is retried; the policy only covers a
 * collision with a writer that does not take the lock, and a broken connection when a key makes it safe.
 */
final class RowLockStrategy extends SingleVersionStrategy {

    static final String NAME = "row-lock";

    RowLockStrategy(RetryPolicy policy) {
        super(NAME, policy);
    }

    @Override
    WriteContext.HeadUpdate headUpdate() {
        return WriteContext.HeadUpdate.ALREADY_MOVED;
    }

    @Override
    Integer head(Connection connection, AppendRequest request) throws SQLException {
        return Tables.lockAndMoveHead(connection, request.artifactId());
    }
}
