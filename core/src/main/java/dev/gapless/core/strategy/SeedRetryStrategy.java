package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.GaplessException;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.SqlErrors;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The original fix, kept as a baseline: the naive read-insert, retried up to 3 times after 100, 200 and 400 ms
 * when it collides on the version constraint. No jitter, so losers wake together and collide again. (The original
 * matched the error's message text; this one classifies by SQLSTATE and constraint like everything else.)
 */
final class SeedRetryStrategy implements WriteStrategy {

    static final String NAME = "seed-retry";
    private static final List<Duration> DELAYS =
            List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendResult append(WriteContext context, AppendRequest request) {
        List<GaplessException> earlier = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            try {
                return context.attempt(request, attempt,
                        (connection, r) -> Tables.readHead(connection, r.artifactId()));
            } catch (SQLException e) {
                Optional<AppendResult> applied = context.alreadyApplied(e, request, attempt);
                if (applied.isPresent()) {
                    return applied.get();
                }
                GaplessException failure = context.translate(e, request);
                boolean conflict = SqlErrors.classify(e).kind() == SqlErrors.Kind.VERSION_CONFLICT;
                if (conflict && attempt <= DELAYS.size() && context.sleepBefore(request, DELAYS.get(attempt - 1))) {
                    earlier.add(failure);
                    continue;
                }
                if (earlier.isEmpty()) {
                    throw failure;
                }
                RetriesExhaustedException exhausted = new RetriesExhaustedException(attempt, failure);
                earlier.forEach(exhausted::addSuppressed);
                throw exhausted;
            }
        }
    }
}
