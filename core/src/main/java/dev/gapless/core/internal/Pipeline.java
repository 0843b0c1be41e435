package dev.gapless.core.internal;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import dev.gapless.core.GaplessException;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.Sleeper;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one retry loop of every write, for a single append and for a group-commit batch alike: attempts run by an
 * {@link Engine} until every member is settled. Each member keeps its own deadline and its own outcome; a failure of
 * the whole attempt is classified once and then judged per member (retried while the policy's budgets and the
 * member's deadline allow, and, after a lost connection, only when its idempotency key makes that safe). Every step
 * is published to the listener, as an event naming its member. Immutable and thread-safe.
 */
final class Pipeline {


    private final Connections connections;
    private final Limits limits;
    private final Sleeper sleeper;
    private final AppendListener listener;

    Pipeline(Connections connections, Limits limits, Sleeper sleeper, AppendListener listener) {
        this.connections = connections;
        this.limits = limits;
        this.sleeper = sleeper;
        this.listener = Listeners.isolated(listener);
    }

    Connections connections() {
        return connections;
    }

    /** @return the store's time source */
    TimeSource time() {
        return connections.time();
    }

    Limits limits() {
        return limits;
    }

    /**
     * Runs attempts until every member of {@code members} (one artifact) is settled, retrying what {@code scope}
     * retries ({@link SqlErrors.Kind#retried}). Never throws for a member.
     */
    void run(List<Member> members, Engine engine, RetryPolicy policy, SqlErrors.RetryScope scope) {
        List<Member> open = new ArrayList<>(members);
        List<GaplessException> earlier = new ArrayList<>();
        Duration previousDelay = Duration.ZERO;
        long first = connections.time().nanoTime();
        for (int attempt = 1; ; attempt++) {
            final int n = attempt;
            open.removeIf(m -> {
                if (connections.remaining(m.request().deadline()).toMillis() <= 0) {
                    fail(m, n, Failures.timeout(m, null, null), earlier, false);
                    return true;
                }
                return false;
            });
            if (open.isEmpty()) {
                return;
            }
            int size = open.size();
            for (Member m : open) {
                m.attempting(size);
                publish(new AppendEvent.Attempt(artifactId(m), key(m), n, size));
            }
            SQLException failure;
            try {
                Map<Member, MemberResult> results = engine.attempt(open, attempt);
                for (Member m : open) {
                    MemberResult r = results.get(m);
                    if (r instanceof MemberResult.Done done) {
                        succeed(m, done);
                    } else {
                        MemberResult.Rejected rejected = (MemberResult.Rejected) r;
                        if (rejected.keyChecked()) {
                            m.settleAmbiguity();
                        }
                        fail(m, attempt, rejected.failure(), earlier, false);
                    }
                }
                return;
            } catch (Connections.Expired e) {
                open.forEach(m -> fail(m, n, Failures.timeout(m, null, e.getCause()), earlier, false));
                return;
            } catch (GaplessException e) {
                List<GaplessException> attach = open.size() == 1 ? earlier : List.of();
                open.forEach(m -> fail(m, n, e, attach, false));
                return;
            } catch (SQLException e) {
                failure = e;
            }
            SqlErrors.Classified c = SqlErrors.classify(failure);
            if (c.kind() == SqlErrors.Kind.ALREADY_APPLIED) {
                resolveKeys(open, attempt, failure);
                if (open.isEmpty()) {
                    return;
                }
            }
            if (c.isConflict() || c.kind() == SqlErrors.Kind.ALREADY_APPLIED) {
                open.forEach(m -> publish(new AppendEvent.Conflict(artifactId(m), key(m), n, m.batchSize(),
                        c.sqlState(), c.constraint())));
            }
            if (c.isAmbiguous()) {
                open.forEach(Member::markAmbiguous);
            }
            if (c.kind().keyCheckedUnderLock()) {
                open.forEach(Member::settleAmbiguity);
            }
            boolean retryable = c.retryable(scope, true);
            final SQLException cause = failure;
            if (retryable) {
                // without a key a retry after a lost connection could write the same change twice if COMMIT landed
                open.removeIf(m -> {
                    if (!c.retryable(scope, m.request().idempotencyKey() != null)) {
                        fail(m, n, Failures.translate(cause, m, limits), earlier, false);
                        return true;
                    }
                    return false;
                });
            }
            if (!retryable || !budgetLeft(policy, attempt, connections.time(), first) || open.isEmpty()) {
                for (Member m : open) {
                    fail(m, attempt, Failures.translate(failure, m, limits), earlier, retryable);
                }
                return;
            }
            Duration delay = SpecAccess.backoff(policy).delay(attempt, previousDelay);
            previousDelay = delay;
            // the deadline, not the retry budget, ends a member whose time runs out before the next attempt
            open.removeIf(m -> {
                if (connections.remaining(m.request().deadline()).compareTo(delay) <= 0) {
                    fail(m, n, Failures.timeout(m, null, Failures.translate(cause, m, limits)), earlier, false);
                    return true;
                }
                return false;
            });
            if (open.isEmpty()) {
                return;
            }
            GaplessException current = Failures.translate(failure, open.get(0), limits);
            open.forEach(m -> publish(new AppendEvent.RetryScheduled(artifactId(m), key(m), n, m.batchSize(), delay,
                    current)));
            earlier.add(current);
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                open.forEach(m -> fail(m, n, Failures.timeout(m, null, e), earlier, false));
                return;
            }
        }
    }

    /**
     * A concurrent duplicate committed the key between this attempt's read and its insert: the members whose key is
     * now found are settled as duplicates (or as reuses of the key); the others stay open.
     */
    private void resolveKeys(List<Member> open, int attempt, SQLException failure) {
        List<String> keys = open.stream().map(m -> m.request().idempotencyKey()).filter(k -> k != null).toList();
        if (keys.isEmpty()) {
            return;
        }
        Map<String, HeadState.KeyRow> found;
        try {
            found = connections.read(c -> Storage.findKeys(c, open.get(0).request().artifactId(), keys));
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return;
        }
        open.removeIf(m -> {
            String key = m.request().idempotencyKey();
            if (key == null || !found.containsKey(key)) {
                return false;
            }
            HeadState state = new HeadState(limits, connections.time(), 0, 0, 0, 0, Map.of(), found);
            MemberResult r = state.apply(m, attempt, false);
            if (r instanceof MemberResult.Done done) {
                succeed(m, done);
            } else {
                fail(m, attempt, ((MemberResult.Rejected) r).failure(), List.of(), false);
            }
            return true;
        });
    }

    /**
     * Whether the policy allows another attempt after {@code attempts}, the first of which started at
     * {@code firstNanos} ({@link TimeSource#nanoTime()} of {@code time}).
     */
    static boolean budgetLeft(RetryPolicy policy, int attempts, TimeSource time, long firstNanos) {
        return attempts < policy.maxAttempts() && time.since(firstNanos).compareTo(policy.maxDuration()) < 0;
    }

    private void succeed(Member m, MemberResult.Done done) {
        m.settle(done);
        publish(new AppendEvent.Succeeded(key(m), done.result().attempts(), m.batchSize(), done.result()));
    }

    /**
     * Settles a member as failed. The outcome is made truthful first ({@link Failures#settle}); then, after retries,
     * the last failure is wrapped in {@link RetriesExhaustedException}, or else the earlier failures are attached
     * to it as suppressed ({@code earlier} is empty where {@code last} is shared by several members).
     */
    private void fail(Member m, int attempts, GaplessException last, List<GaplessException> earlier,
                      boolean exhausted) {
        GaplessException thrown = Failures.settle(m, last);
        if (exhausted && !earlier.isEmpty()) {
            RetriesExhaustedException e = new RetriesExhaustedException(attempts, thrown, thrown.outcome());
            earlier.forEach(e::addSuppressed);
            thrown = e;
        } else {
            for (GaplessException e : earlier) {
                if (e != thrown) {
                    thrown.addSuppressed(e);
                }
            }
        }
        GaplessException result = thrown;
        m.settle(new MemberResult.Failed(result));
        publish(new AppendEvent.GaveUp(artifactId(m), key(m), attempts, m.batchSize(), result));
    }

    private static UUID artifactId(Member m) {
        return m.request().artifactId();
    }

    private static String key(Member m) {
        return m.request().idempotencyKey();
    }

    /** Tells the store's listeners ({@link Listeners}, which keeps their failures from the append). */
    void publish(AppendEvent event) {
        listener.onEvent(event);
    }
}
