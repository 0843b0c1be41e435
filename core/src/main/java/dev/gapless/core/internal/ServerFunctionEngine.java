package dev.gapless.core.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * An attempt as one call of {@code gapless_try_append(…)}, a PL/pgSQL function that stores the contents, takes the
 * artifact's row lock and does everything else under it (a keyed append's rejection is recorded under its key and
 * returned, not raised). The call is sent with the transaction's isolation and
 * deadline before it and COMMIT after it, all in one round trip: one member, one round trip. Immutable and
 * thread-safe.
 */
final class ServerFunctionEngine implements Engine {

    private final Connections connections;
    private final Limits limits;

    ServerFunctionEngine(Connections connections, Limits limits) {
        this.connections = connections;
        this.limits = limits;
    }

    @Override
    public Map<Member, MemberResult> attempt(List<Member> open, int attempt) throws SQLException {
        Member member = open.get(0);
        AppendRequest r = member.request();
        return connections.inTransaction(r.deadline(), c -> {
            long timeoutMs = connections.remaining(r.deadline()).toMillis();
            Script call = new Script();
            Storage.begin(call, false, timeoutMs);
            Storage.FunctionResult[] result = new Storage.FunctionResult[1];
            Storage.callAppendFunction(call, r, limits, timeoutMs, result);
            call.add("COMMIT", null);
            call.run(c);
            Storage.FunctionResult f = result[0];
            if (f.failure() != null) {
                // found under the lock and committed with the call: the key is spent on this rejection
                return Map.of(member, new MemberResult.Rejected(Failures.replay(f.failure()), true));
            }
            return Map.of(member, new MemberResult.Done(member.result(f.version(), f.summary(), attempt,
                    f.deduplicated())));
        });
    }
}
