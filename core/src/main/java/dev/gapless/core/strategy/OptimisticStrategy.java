package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Optimistic concurrency: read the head without a lock, compute the next version, then compare-and-set
 * {@code UPDATE artifacts SET head_version = n+1 WHERE id = ? AND head_version = n} before inserting. A writer whose
 * compare-and-set finds the head moved rolls back and retries under the policy.
 */
final class OptimisticStrategy extends SingleVersionStrategy {

    static final String NAME = "optimistic";

    OptimisticStrategy(RetryPolicy policy) {
        super(NAME, policy);
    }

    @Override
    Integer head(Connection connection, AppendRequest request) throws SQLException {
        return Tables.readHead(connection, request.artifactId());
    }

    @Override
    WriteContext.HeadUpdate headUpdate() {
        return WriteContext.HeadUpdate.COMPARE_AND_SET;
    }
}
