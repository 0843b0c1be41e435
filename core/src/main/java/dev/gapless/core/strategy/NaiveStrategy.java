package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;

/** The original bug, kept as a baseline: read the head without a lock, insert head+1, fail on collision. */
final class NaiveStrategy extends SingleVersionStrategy {

    static final String NAME = "naive";

    NaiveStrategy(RetryPolicy policy) {
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
