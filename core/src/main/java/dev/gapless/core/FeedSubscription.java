package dev.gapless.core;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A subscription to the {@link ChangeFeed} that calls a callback with each event, asking for them without limit:
 * the feed still reads at most its buffer's worth at a time, so a slow callback only slows its own subscription.
 * Close it to stop. Thread-safe.
 */
public final class FeedSubscription implements AutoCloseable {

    private final Consumer<? super FeedEvent> onEvent;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;
    private volatile Throwable failure;

    private FeedSubscription(Consumer<? super FeedEvent> onEvent) {
        this.onEvent = Objects.requireNonNull(onEvent, "onEvent");
    }

    static FeedSubscription attach(Flow.Publisher<FeedEvent> publisher, Consumer<? super FeedEvent> onEvent) {
        FeedSubscription s = new FeedSubscription(onEvent);
        publisher.subscribe(s.new Adapter());
        return s;
    }

    /**
     * Whether events are still delivered: neither closed nor failed.
     *
     * @return whether open
     */
    public boolean isOpen() {
        return !closed && failure == null;
    }

    /**
     * Why the feed stopped on its own, e.g. {@link ArtifactNotFoundException}.
     *
     * @return the failure, or empty while open or after {@link #close()}
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops delivery; an event being delivered may still finish. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private final class Adapter implements Flow.Subscriber<FeedEvent> {

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (closed) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(FeedEvent event) {
            if (!closed) {
                onEvent.accept(event);
            }
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
        }

        @Override
        public void onComplete() {
            closed = true;
        }
    }
}
