package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.StorageException;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.WriteContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * In-process combining. Concurrent appends to one artifact queue in a lane; one of them, the leader, takes up to
 * {@code maxBatch} queued appends, locks the artifact row once and writes one version per append in a single
 * transaction; then it hands the lead to the next queued append, if any. Each caller still gets its own version.
 *
 * <p>The database row lock, not the lane, is what serializes leaders: several stores (or processes) on one
 * artifact each run their own lanes and stay correct. The lane only saves commits. Thread-safe.
 */
final class GroupCommitStrategy implements WriteStrategy {

    static final String NAME = "group-commit";
    static final int DEFAULT_MAX_BATCH = 64;

    private final RetryPolicy policy;
    private final int maxBatch;
    private final ConcurrentHashMap<UUID, Lane> lanes = new ConcurrentHashMap<>();

    GroupCommitStrategy(RetryPolicy policy, int maxBatch) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
        this.maxBatch = maxBatch;
    }

    /** The appends waiting for one artifact. Invariant: {@code waiting} is non-empty only while someone leads. */
    private static final class Lane {
        final ArrayDeque<GroupCommit.Pending> waiting = new ArrayDeque<>();
        boolean leading;
        boolean retired;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppendResult append(WriteContext context, AppendRequest request) {
        GroupCommit.Pending me = new GroupCommit.Pending(request);
        Lane lane;
        boolean lead;
        while (true) {
            lane = lanes.computeIfAbsent(request.artifactId(), id -> new Lane());
            synchronized (lane) {
                if (lane.retired) {
                    continue;
                }
                lane.waiting.add(me);
                lead = !lane.leading;
                lane.leading = true;
            }
            break;
        }
        if (lead || awaitTurn(context, lane, me)) {
            leadOneBatch(context, lane);
        }
        return me.outcome();
    }

    /** Waits until {@code me} is done ({@code false}) or has been handed the lead ({@code true}). */
    private static boolean awaitTurn(WriteContext context, Lane lane, GroupCommit.Pending me) {
        CompletableFuture<Boolean> turn = me.turn();
        try {
            long waitMs = Math.max(1, context.remaining(me.request()).toMillis());
            return turn.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            synchronized (lane) {
                if (!turn.isDone() && lane.waiting.remove(me)) {
                    throw new AppendTimeoutException(me.request().timeout(), null, null);
                }
            }
            // a leader has taken it (its transaction is bounded by this request's deadline) or handed us the lead
            return join(turn);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (lane) {
                if (!turn.isDone() && lane.waiting.remove(me)) {
                    throw new AppendTimeoutException(me.request().timeout(), null, e);
                }
            }
            return join(turn);
        } catch (ExecutionException e) {
            throw new IllegalStateException("group-commit turn failed", e.getCause());
        }
    }

    private static boolean join(CompletableFuture<Boolean> turn) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return turn.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("group-commit turn failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes the head of the lane (which holds the caller) as one batch, then hands the lead on or retires. */
    private void leadOneBatch(WriteContext context, Lane lane) {
        List<GroupCommit.Pending> batch = new ArrayList<>();
        synchronized (lane) {
            while (batch.size() < maxBatch && !lane.waiting.isEmpty()) {
                batch.add(lane.waiting.poll());
            }
        }
        try {
            GroupCommit.write(context, policy, batch);
        } catch (RuntimeException | Error e) {
            for (GroupCommit.Pending p : batch) {
                p.failIfOpen(e instanceof GaplessException g ? g : new StorageException(
                        "group-commit leader failed unexpectedly: " + e, null, null, e));
            }
            throw e;
        } finally {
            for (GroupCommit.Pending p : batch) {
                p.turn().complete(Boolean.FALSE);
            }
            synchronized (lane) {
                GroupCommit.Pending next = lane.waiting.peek();
                if (next == null) {
                    lane.leading = false;
                    lane.retired = true;
                    lanes.remove(batch.get(0).request().artifactId(), lane);
                } else {
                    next.turn().complete(Boolean.TRUE);
                }
            }
        }
    }

    @Override
    public String toString() {
        return NAME + "(maxBatch=" + maxBatch + ", " + policy + ")";
    }
}
