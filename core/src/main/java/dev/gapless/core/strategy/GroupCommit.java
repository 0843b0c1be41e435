package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.Snapshot;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.JsonCodec;
import dev.gapless.core.internal.SqlErrors;
import dev.gapless.core.internal.Tables;
import dev.gapless.core.internal.WriteContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The batch transaction of {@link GroupCommitStrategy}: k appends, one row lock, one commit. */
final class GroupCommit {

    private GroupCommit() {
    }

    /** One queued append and, once its batch is done, its outcome. */
    static final class Pending {
        private final AppendRequest request;
        private final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        private volatile AppendResult result;
        private volatile GaplessException failure;

        Pending(AppendRequest request) {
            this.request = request;
        }

        AppendRequest request() {
            return request;
        }

        /** Completes with {@code true} when this append is handed the lead, {@code false} when it is done. */
        CompletableFuture<Boolean> turn() {
            return turn;
        }

        void succeed(AppendResult r) {
            this.result = r;
        }

        void fail(GaplessException f) {
            this.failure = f;
        }

        void failIfOpen(GaplessException f) {
            if (result == null && failure == null) {
                failure = f;
            }
        }

        AppendResult outcome() {
            if (result != null) {
                return result;
            }
            if (failure != null) {
                throw failure;
            }
            throw new IllegalStateException("group-commit append finished without an outcome");
        }
    }

    /**
     * Writes the batch, retrying the transaction under {@code policy} when it lost a race to a writer outside the
     * lane or lost its connection (then only members with an idempotency key are retried). Sets every member's
     * outcome; never throws for a database failure.
     */
    static void write(WriteContext context, RetryPolicy policy, List<Pending> batch) {
        UUID artifactId = batch.get(0).request().artifactId();
        List<Pending> open = new ArrayList<>(batch);
        List<GaplessException> earlier = new ArrayList<>();
        Duration previousDelay = Duration.ZERO;
        long first = System.nanoTime();
        for (int i = 1; ; i++) {
            final int attempt = i;
            open.removeIf(p -> {
                if (context.remaining(p.request()).toMillis() <= 0) {
                    giveUp(context, p, attempt, WriteContext.unsettled(p.request(), earlier,
                            new AppendTimeoutException(p.request().timeout(), null, null)));
                    return true;
                }
                return false;
            });
            if (open.isEmpty()) {
                return;
            }
            open.forEach(p -> context.notify(l -> l.onAttempt(artifactId, attempt)));
            AppendRequest txn = transactionRequest(open);
            try {
                Map<Pending, Object> outcomes = context.inTransaction(txn, false, c -> writeIn(c, open, attempt));
                outcomes.forEach((p, o) -> {
                    if (o instanceof AppendResult r) {
                        p.succeed(r);
                        context.notify(l -> l.onSuccess(r));
                    } else {
                        GaplessException f = (GaplessException) o;
                        p.fail(f);
                        context.notify(l -> l.onGiveUp(artifactId, attempt, f));
                    }
                });
                return;
            } catch (SQLException e) {
                SqlErrors.Classified c = SqlErrors.classify(e);
                if (c.isConflict()) {
                    open.forEach(p -> context.notify(l -> l.onConflict(artifactId, attempt, c.sqlState(),
                            c.constraint())));
                }
                boolean connection = c.isAmbiguous();
                // keyless members are dropped below after a lost connection, so the batch itself counts as keyed
                boolean retryable = c.isRetryable(true);
                if (retryable && WriteContext.budgetLeft(policy, attempt, first)) {
                    if (connection) {
                        // without a key a retry could write the same change twice if the COMMIT did land
                        open.removeIf(p -> {
                            if (p.request().idempotencyKey() == null) {
                                giveUp(context, p, attempt, context.translate(e, p.request()));
                                return true;
                            }
                            return false;
                        });
                    }
                    Duration delay = policy.delay(attempt, previousDelay);
                    previousDelay = delay;
                    earlier.add(context.translate(e, open.isEmpty() ? txn : open.get(0).request()));
                    for (Pending p : open) {
                        context.notify(l -> l.onRetryScheduled(artifactId, attempt, delay, earlier.get(0)));
                    }
                    context.sleep(txn, delay);
                    continue;
                }
                for (Pending p : open) {
                    GaplessException f = context.translate(e, p.request());
                    if (retryable && !earlier.isEmpty()) {
                        RetriesExhaustedException exhausted = new RetriesExhaustedException(attempt, f);
                        earlier.forEach(exhausted::addSuppressed);
                        f = exhausted;
                    }
                    giveUp(context, p, attempt, WriteContext.unsettled(p.request(), earlier, f));
                }
                return;
            } catch (GaplessException e) {
                open.forEach(p -> giveUp(context, p, attempt, WriteContext.unsettled(p.request(), earlier, e)));
                return;
            }
        }
    }

    private static void giveUp(WriteContext context, Pending p, int attempt, GaplessException failure) {
        p.fail(failure);
        context.notify(l -> l.onGiveUp(p.request().artifactId(), attempt, failure));
    }

    /** Inside the transaction: lock once, then one version per member, in queue order. */
    private static Map<Pending, Object> writeIn(Connection c, List<Pending> open, int attempt) throws SQLException {
        UUID artifactId = open.get(0).request().artifactId();
        Integer locked = Tables.lockHead(c, artifactId);
        if (locked == null) {
            throw new ArtifactNotFoundException(artifactId);
        }
        int head = locked;
        Set<String> keys = new LinkedHashSet<>();
        open.forEach(p -> {
            if (p.request().idempotencyKey() != null) {
                keys.add(p.request().idempotencyKey());
            }
        });
        Map<String, Tables.Prior> applied = new HashMap<>(Tables.findByKeys(c, artifactId, keys));
        Snapshot content = Tables.readPrior(c, artifactId, head, null).content();
        List<Tables.NewVersion> rows = new ArrayList<>();
        Map<Pending, Object> outcomes = new java.util.LinkedHashMap<>();
        for (Pending p : open) {
            AppendRequest r = p.request();
            Tables.Prior earlier = r.idempotencyKey() == null ? null : applied.get(r.idempotencyKey());
            if (earlier != null) {
                outcomes.put(p, WriteContext.result(r, earlier.keyVersion(), earlier.keySummary(), attempt, true));
                continue;
            }
            if (r.expectedVersion() != null && r.expectedVersion() != head) {
                outcomes.put(p, new VersionConflictException(artifactId, r.expectedVersion(), head));
                continue;
            }
            Snapshot next;
            try {
                next = r.change().apply(content);
            } catch (InvalidChangeException e) {
                outcomes.put(p, e);
                continue;
            }
            String summary = r.change().summary(content);
            head++;
            rows.add(new Tables.NewVersion(head, JsonCodec.snapshotToJson(next),
                    JsonCodec.changeToJson(r.change()), summary, r.idempotencyKey()));
            content = next;
            if (r.idempotencyKey() != null) {
                applied.put(r.idempotencyKey(), new Tables.Prior(Snapshot.empty(), head, summary));
            }
            outcomes.put(p, WriteContext.result(r, head, summary, attempt, false));
        }
        if (!rows.isEmpty()) {
            Tables.insertVersions(c, artifactId, rows);
            Tables.setHead(c, artifactId, head);
        }
        return outcomes;
    }

    /**
     * A stand-in request for the batch transaction's timeouts: the earliest member deadline, so that the
     * transaction ends before any member's deadline passes.
     */
    private static AppendRequest transactionRequest(List<Pending> open) {
        AppendRequest first = open.get(0).request();
        Instant earliest = first.deadline();
        Duration shortest = first.timeout();
        for (Pending p : open) {
            if (p.request().deadline().isBefore(earliest)) {
                earliest = p.request().deadline();
            }
            if (p.request().timeout().compareTo(shortest) < 0) {
                shortest = p.request().timeout();
            }
        }
        return new AppendRequest(first.artifactId(), first.change(), null, null, shortest, earliest,
                first.startNanos());
    }
}
