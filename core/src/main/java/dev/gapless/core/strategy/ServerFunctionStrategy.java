package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.util.Objects;

/**
 * One round trip per append: {@code gapless_append(artifact, change, key, expected, lock timeout)}, called as a single
 * autocommitted statement, a PL/pgSQL function that locks
 * the artifact row, checks the key and the expected version, reads the head's content, applies the change and
 * inserts the next version. The function serializes writers exactly as {@code row-lock} does, on the same lock.
 */
final class ServerFunctionStrategy implements WriteStrategy {

    static final String NAME = "server-function";

    private final RetryPolicy policy;

    ServerFunctionStrategy(RetryPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendResult append(WriteContext context, AppendRequest request) {
        return context.execute(request, policy, WriteContext.RetryScope.SAFE_FAILURES,
                attempt -> context.autocommitted(request, (c, remainingMs) -> {
                    Tables.FunctionResult r = Tables.callAppendFunction(c, request, remainingMs);
                    return WriteContext.result(request, r.version(), r.summary(), attempt, r.deduplicated());
                }));
    }

    @Override
    public String toString() {
        return NAME + "(" + policy + ")";
    }
}
