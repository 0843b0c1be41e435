package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.SQLException;

/**
 * Serializes writers on the artifact row: {@code SELECT head_version … FOR UPDATE}, then read the head's content in
 * a later statement, insert head+1 and bump the head, in one transaction. A writer that waits for the lock reads
 * the previous holder's committed version, so there is nothing to retry.
 */
final class RowLockStrategy implements WriteStrategy {

    static final String NAME = "row-lock";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendResult append(WriteContext context, AppendRequest request) {
        try {
            return context.attempt(request, 1, (connection, r) -> Tables.lockHead(connection, r.artifactId()));
        } catch (SQLException e) {
            return context.alreadyApplied(e, request, 1).orElseThrow(() -> context.translate(e, request));
        }
    }
}
