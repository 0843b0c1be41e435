package dev.gapless.core.internal;

import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.FeedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription of the change feed. Its events are read from the database only when the subscriber has asked
 * for them ({@link #request}), at most a buffer's worth at a time, from the last version it was given: a
 * notification carries no event, so a slow subscriber holds a bounded buffer, skips nothing, and costs writers
 * nothing. Signals to the subscriber are serialized by a work-in-progress counter; the drain runs on the hub's
 * executor, one at a time per subscription. Thread-safe.
 */
final class FeedWorker implements Flow.Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(FeedWorker.class);

    private final FeedHub hub;
    private final FeedScope scope;
    private final Flow.Subscriber<? super FeedEvent> subscriber;
    /** The last version delivered per artifact; touched by the drain only. */
    private final Map<UUID, Integer> positions;
    /** The version an artifact's subscription started after. */
    private final int positions0;
    private final ArrayDeque<FeedEvent> buffer = new ArrayDeque<>();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger(1); // the opener holds the drain until onSubscribe returns
    private volatile boolean dirty = true;
    /** For an artifact's subscription, the last version delivered, for the poll to compare with the head. */
    private volatile int delivered;
    private volatile boolean cancelled;
    private volatile Throwable failure;
    /** Set by {@link #take} when a read found a gap: read again on the next wake, not at once. */
    private boolean stalled;

    FeedWorker(FeedHub hub, FeedScope scope, Map<UUID, Integer> start, Flow.Subscriber<? super FeedEvent> subscriber) {
        this.hub = hub;
        this.scope = scope;
        this.subscriber = subscriber;
        this.positions = new HashMap<>(start);
        this.positions0 = scope.artifactId() == null ? 0 : start.getOrDefault(scope.artifactId(), 0);
    }

    /** Calls onSubscribe, then hands the drain to the executor (so onNext never overlaps onSubscribe). */
    void start() {
        try {
            subscriber.onSubscribe(this);
        } catch (RuntimeException e) {
            LOG.warn("feed subscriber failed in onSubscribe; subscription cancelled", e);
            cancel();
            return;
        }
        hub.execute(this::drain);
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            failure = new IllegalArgumentException("request(n) needs n > 0, was " + n);
        } else {
            demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        }
        signal();
    }

    @Override
    public void cancel() {
        cancelled = true;
        hub.remove(this);
    }

    /** Whether a notification about {@code artifactId} may concern this subscription. */
    boolean concerns(UUID artifactId) {
        return switch (scope.kind()) {
            case ARTIFACT -> scope.artifactId().equals(artifactId);
            case CHAT, ALL -> true; // a new artifact of the chat is not known yet: its heads are read again

        };
    }

    FeedScope scope() {
        return scope;
    }

    /** For an artifact's subscription: whether a head of {@code head} holds a version it has not read yet. */
    boolean behind(int head) {
        return head > Math.max(delivered, positions0);
    }

    /** Something may have been written: read again when the subscriber next has demand. */
    void wake() {
        dirty = true;
        signal();
    }

    private void signal() {
        if (wip.getAndIncrement() == 0) {
            hub.execute(this::drain);
        }
    }

    private void drain() {
        int missed = 1;
        do {
            if (cancelled) {
                return;
            }
            Throwable f = failure;
            if (f != null) {
                terminate(f);
                return;
            }
            if (!deliver()) {
                return;
            }
            while (buffer.isEmpty() && demand.get() > 0 && dirty && !cancelled) {
                dirty = false;
                int limit = (int) Math.min(demand.get(), hub.bufferSize());
                int fetched;
                try {
                    fetched = fetch(limit);
                } catch (ArtifactNotFoundException e) {
                    terminate(e);
                    return;
                } catch (SQLException | RuntimeException e) {
                    // the poll timer (or the listener's reconnect) wakes this subscription again
                    dirty = true;
                    hub.readFailed(e);
                    break;
                }
                if (!deliver()) {
                    return;
                }
                if (stalled) {
                    stalled = false;
                    dirty = true;
                    break;
                }
                if (fetched >= limit) {
                    dirty = true; // maybe more
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Hands buffered events to the subscriber while it has demand; false if it was cancelled meanwhile. */
    private boolean deliver() {
        while (!buffer.isEmpty() && demand.get() > 0) {
            if (cancelled) {
                return false;
            }
            FeedEvent event = buffer.poll();
            if (demand.get() != Long.MAX_VALUE) {
                demand.decrementAndGet();
            }
            try {
                subscriber.onNext(event);
            } catch (RuntimeException e) {
                LOG.warn("feed subscriber failed in onNext; subscription cancelled", e);
                cancel();
                return false;
            }
        }
        return !cancelled;
    }

    /** Reads up to {@code limit} events after the positions into the buffer; returns how many it read. */
    private int fetch(int limit) throws SQLException {
        Connection c = hub.readConnection(); // gives its permit back itself when it throws
        try (c) {
            if (scope.kind() == FeedScope.Kind.ARTIFACT) {
                return take(FeedQueries.after(c, scope.artifactId(), position(scope.artifactId()), limit));
            }
            int total = 0;
            for (FeedQueries.Head head : FeedQueries.heads(c, scope.chatId())) {
                int at = position(head.id());
                if (head.head() > at && total < limit) {
                    try {
                        total += take(FeedQueries.after(c, head.id(), at, limit - total));
                    } catch (ArtifactNotFoundException deleted) {
                        // deleted since the heads were read: a chat's feed goes on with its other artifacts
                    }
                }
            }
            return total;
        } finally {
            hub.readDone();
        }
    }

    private int position(UUID id) {
        return positions.getOrDefault(id, 0);
    }

    /**
     * Buffers the events that follow the position without a gap. Versions commit in order, so a gap is not expected;
     * should one be seen, the rest waits for the next read instead of being delivered out of order.
     */
    private int take(List<FeedEvent> events) {
        int taken = 0;
        for (FeedEvent e : events) {
            if (e.version() != position(e.artifactId()) + 1) {
                LOG.debug("feed read version {} of {} after {}; waiting for the versions between", e.version(),
                        e.artifactId(), position(e.artifactId()));
                stalled = true;
                break;
            }
            positions.put(e.artifactId(), e.version());
            delivered = e.version();
            buffer.add(e);
            taken++;
        }
        return events.size();
    }

    private void terminate(Throwable f) {
        cancel();
        try {
            subscriber.onError(f);
        } catch (RuntimeException e) {
            LOG.warn("feed subscriber failed in onError", e);
        }
    }
}
