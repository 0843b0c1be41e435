package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The strategies that write one version per transaction and differ only in how they find (and lock) the head, how
 * they move it, at which isolation, and which failures they retry. The shared loop lives in {@link WriteContext}.
 */
abstract sealed class SingleVersionStrategy implements WriteStrategy permits NaiveStrategy, SeedRetryStrategy,
        RetryStrategy, OptimisticStrategy, RowLockStrategy, AdvisoryLockStrategy, SerializableStrategy {

    private final String name;
    private final RetryPolicy policy;

    SingleVersionStrategy(String name, RetryPolicy policy) {
        this.name = name;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public final String name() {
        return name;
    }

    /** Reads (and, for lock-based strategies, locks) the head inside the transaction; {@code null} if no artifact. */
    abstract Integer head(Connection connection, AppendRequest request) throws SQLException;

    /** How the head is moved; compare-and-set only for {@code optimistic}. */
    WriteContext.HeadUpdate headUpdate() {
        return WriteContext.HeadUpdate.SET;
    }

    /** Whether the transaction runs at SERIALIZABLE. */
    boolean serializable() {
        return false;
    }

    /** Which failures are retried; the baselines retry only what the original fix did. */
    WriteContext.RetryScope scope() {
        return WriteContext.RetryScope.SAFE_FAILURES;
    }

    @Override
    public final AppendResult append(WriteContext context, AppendRequest request) {
        return context.execute(request, policy, scope(),
                attempt -> context.attempt(request, attempt, this::head, headUpdate(), serializable()));
    }

    @Override
    public String toString() {
        return name() + "(" + policy + ")";
    }
}
