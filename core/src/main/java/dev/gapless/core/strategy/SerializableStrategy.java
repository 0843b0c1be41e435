package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The naive read-insert at SERIALIZABLE isolation: PostgreSQL aborts one of two overlapping writers with 40001
 * (or 40P01, or 23505 on the version), and the whole transaction is retried under the policy.
 */
final class SerializableStrategy extends SingleVersionStrategy {

    static final String NAME = "serializable";

    SerializableStrategy(RetryPolicy policy) {
        super(NAME, policy);
    }

    @Override
    Integer head(Connection connection, AppendRequest request) throws SQLException {
        return Tables.readHead(connection, request.artifactId());
    }

    @Override
    boolean serializable() {
        return true;
    }
}
