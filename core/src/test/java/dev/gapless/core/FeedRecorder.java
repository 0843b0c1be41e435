package dev.gapless.core;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A feed subscriber for tests: records every event and the order of signals, asks for {@code batch} events at a time
 * (or none until {@link #request} when {@code batch} is 0), and waits for what a test expects.
 */
final class FeedRecorder implements Flow.Subscriber<FeedEvent> {

    private final long batch;
    private final List<FeedEvent> events = new ArrayList<>();
    private Flow.Subscription subscription;
    private Throwable error;
    private long outstanding;
    private boolean overlapped;
    private boolean inCall;

    FeedRecorder(long batch) {
        this.batch = batch;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (batch > 0) {
            outstanding = batch;
            s.request(batch);
        }
    }

    @Override
    public void onNext(FeedEvent event) {
        synchronized (this) {
            overlapped |= inCall;
            inCall = true;
            events.add(event);
            outstanding--;
            notifyAll();
        }
        if (batch > 0 && outstanding == 0) {
            outstanding = batch;
            subscription.request(batch);
        }
        synchronized (this) {
            inCall = false;
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        error = t;
        notifyAll();
    }

    @Override
    public void onComplete() {
        throw new AssertionError("the feed never completes");
    }

    synchronized void request(long n) {
        subscription.request(n);
    }

    void cancel() {
        Flow.Subscription s;
        synchronized (this) {
            s = subscription;
        }
        s.cancel();
    }

    synchronized List<FeedEvent> events() {
        return List.copyOf(events);
    }

    /** The version numbers received of one artifact, in order of arrival. */
    synchronized List<Integer> versions(UUID artifactId) {
        List<Integer> out = new ArrayList<>();
        for (FeedEvent e : events) {
            if (e.artifactId().equals(artifactId)) {
                out.add(e.version());
            }
        }
        return out;
    }

    synchronized Throwable error() {
        return error;
    }

    synchronized boolean overlapped() {
        return overlapped;
    }

    /** Waits (up to 30 s) until {@code done} holds for the events so far or an error came; returns the events. */
    synchronized List<FeedEvent> await(Predicate<List<FeedEvent>> done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.test(events) && error == null) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return List.copyOf(events);
    }

    /** Waits until {@code count} events of any artifact arrived. */
    List<FeedEvent> awaitCount(int count) throws InterruptedException {
        return await(e -> e.size() >= count);
    }
}
