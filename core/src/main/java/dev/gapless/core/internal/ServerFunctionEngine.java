package dev.gapless.core.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * An attempt as one autocommitted statement, {@code gapless_append(…)}: a PL/pgSQL function that stores the
 * contents, takes the artifact's row lock and does everything else under it, committing with the statement. One
 * round trip, one member. Immutable and thread-safe.
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
        return connections.autocommitted(r.deadline(), c -> {
            Storage.FunctionResult f = Storage.callAppendFunction(c, r, limits,
                    connections.remaining(r.deadline()).toMillis());
            return Map.of(member, new MemberResult.Done(member.result(f.version(), f.summary(), attempt,
                    f.deduplicated())));
        });
    }
}
