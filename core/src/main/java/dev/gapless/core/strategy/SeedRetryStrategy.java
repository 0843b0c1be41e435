package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The original fix, kept as a baseline: the naive read-insert, retried up to 3 times after 100, 200 and 400 ms
 * when it collides on the version constraint. No jitter, so losers wake together and collide again. (The original
 * matched the error's message text; this one classifies by SQLSTATE and constraint like everything else.)
 */
final class SeedRetryStrategy extends SingleVersionStrategy {

    static final String NAME = "seed-retry";

    SeedRetryStrategy(RetryPolicy policy) {
        super(NAME, policy);
    }

    @Override
    Integer head(Connection connection, AppendRequest request) throws SQLException {
        return Tables.readHead(connection, request.artifactId());
    }

    @Override
    WriteContext.RetryScope scope() {
        return WriteContext.RetryScope.VERSION_CONFLICTS;
    }
}
