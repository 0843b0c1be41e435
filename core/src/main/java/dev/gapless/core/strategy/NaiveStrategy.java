package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.SQLException;

/** The original bug, kept as a baseline: read the head without a lock, insert head+1, fail on collision. */
final class NaiveStrategy implements WriteStrategy {

    static final String NAME = "naive";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendResult append(WriteContext context, AppendRequest request) {
        try {
            return context.attempt(request, 1, (connection, r) -> Tables.readHead(connection, r.artifactId()));
        } catch (SQLException e) {
            return context.alreadyApplied(e, request, 1).orElseThrow(() -> context.translate(e, request));
        }
    }
}
