package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The naive read-insert made correct by retrying: a collision on the version constraint rolls the whole
 * transaction back (trap 3) and the read-compute-write runs again after a jittered backoff (trap 5), within the
 * policy's attempt and time budgets and the append's deadline.
 */
final class RetryStrategy extends SingleVersionStrategy {

    static final String NAME = "retry";

    RetryStrategy(RetryPolicy policy) {
        super(NAME, policy);
    }

    @Override
    Integer head(Connection connection, AppendRequest request) throws SQLException {
        return Tables.readHead(connection, request.artifactId());
    }
}
