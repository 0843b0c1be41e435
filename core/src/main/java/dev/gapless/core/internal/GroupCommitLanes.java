package dev.gapless.core.internal;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendResult;
import dev.gapless.core.GaplessException;
import dev.gapless.core.Outcome;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.StorageException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * In-process combining for {@code group-commit}. Concurrent appends to one artifact queue in a lane; one of them,
 * the leader, takes up to {@code maxBatch} queued appends (and at most {@value #MAX_BATCH_BYTES} bytes of contents)
 * and runs them through the pipeline as one batch (one transaction, one version each); then it hands the lead to the
 * next queued append, if any. The next batch forms while the current one writes and commits: it is whatever arrived
 * meanwhile, so the batch size adapts to the load. A batch's first attempt computes without the row lock and takes
 * it only for the round trip that writes and commits ({@link TransactionEngine}'s speculative path), so the lock is
 * never held across a round trip to this process.
 *
 * <p>The database row lock, not the lane, is what serializes leaders: several stores (or processes) on one artifact
 * each run their own lanes and stay correct. The lane only saves commits. One per store; thread-safe.
 */
final class GroupCommitLanes {

    /**
     * A batch stops taking members once their contents reach this size, so that one transaction (and the memory its
     * statements need) stays bounded whatever the callers send; a single larger member still goes alone.
     */
    static final long MAX_BATCH_BYTES = 16L << 20;

    private final Pipeline pipeline;
    private final Engine engine;
    private final RetryPolicy policy;
    private final SqlErrors.RetryScope scope;
    private final int maxBatch;
    private final ConcurrentHashMap<UUID, Lane> lanes = new ConcurrentHashMap<>();

    GroupCommitLanes(Pipeline pipeline, Engine engine, RetryPolicy policy, SqlErrors.RetryScope scope,
                     int maxBatch) {
        this.pipeline = pipeline;
        this.engine = engine;
        this.policy = policy;
        this.scope = scope;
        this.maxBatch = maxBatch;
    }

    /** A queued append and the signal that it is done ({@code false}) or has been handed the lead ({@code true}). */
    private record Pending(Member member, CompletableFuture<Boolean> turn) {
    }

    /** The appends waiting for one artifact. Invariant: {@code waiting} is non-empty only while someone leads. */
    private static final class Lane {
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        boolean leading;
        boolean retired;
    }

    AppendResult append(AppendRequest request) {
        Pending me = new Pending(new Member(request, pipeline.time()), new CompletableFuture<>());
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
        if (lead || awaitTurn(lane, me)) {
            leadOneBatch(lane);
        }
        return me.member().outcome();
    }

    /**
     * Waits until {@code me} is done ({@code false}) or has been handed the lead ({@code true}). An append whose
     * deadline passes while it still waits in the queue leaves it, with nothing written; once a leader has taken
     * it, it waits for the batch's outcome, which is then the truth.
     */
    private boolean awaitTurn(Lane lane, Pending me) {
        Member member = me.member();
        try {
            long waitMs = Math.max(1, pipeline.connections().remaining(member.request().deadline()).toMillis());
            return me.turn().get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            synchronized (lane) {
                if (!me.turn().isDone() && lane.waiting.remove(me)) {
                    GaplessException timeout = Failures.timeout(member, null, null);
                    pipeline.publish(new AppendEvent.GaveUp(member.request().artifactId(),
                            member.request().idempotencyKey(), 0, 1, timeout));
                    throw timeout;
                }
            }
            return join(me.turn());
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
    private void leadOneBatch(Lane lane) {
        List<Pending> batch = new ArrayList<>();
        synchronized (lane) {
            long bytes = 0;
            while (batch.size() < maxBatch && !lane.waiting.isEmpty()) {
                long next = lane.waiting.peek().member().request().change().contentBytes();
                if (!batch.isEmpty() && bytes + next > MAX_BATCH_BYTES) {
                    break;
                }
                bytes += next;
                batch.add(lane.waiting.poll());
            }
        }
        List<Member> members = batch.stream().map(Pending::member).toList();
        pipeline.publish(new AppendEvent.BatchFormed(members.get(0).request().artifactId(), members.size()));
        try {
            pipeline.run(members, engine, policy, scope);
        } catch (RuntimeException | Error e) {
            for (Member m : members) {
                m.settle(new MemberResult.Failed(e instanceof GaplessException g ? g : new StorageException(
                        "group-commit leader failed unexpectedly: " + e, null, null, e, Outcome.UNKNOWN)));
            }
            throw e;
        } finally {
            for (Pending p : batch) {
                p.turn().complete(Boolean.FALSE);
            }
            synchronized (lane) {
                Pending next = lane.waiting.peek();
                if (next == null) {
                    lane.leading = false;
                    lane.retired = true;
                    lanes.remove(members.get(0).request().artifactId(), lane);
                } else {
                    next.turn().complete(Boolean.TRUE);
                }
            }
        }
    }
}
