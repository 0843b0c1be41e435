package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Serializes writers on the artifact row: {@code SELECT head_version … FOR UPDATE}, then read the head's content in
 * a later statement, move the head and insert head+1, in one transaction. A writer that waits for the lock reads
 * the previous holder's committed version, so among row-lock writers nothing is retried; the policy only covers a
 * collision with a writer that does not take the lock, and a broken connection when a key makes it safe.
 */
final class RowLockStrategy extends SingleVersionStrategy {

    static final String NAME = "row-lock";

    RowLockStrategy(RetryPolicy policy) {
        super(policy);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    Integer head(Connection connection, AppendRequest request) throws SQLException {
        return Tables.lockHead(connection, request.artifactId());
    }
}
