package dev.gapless.core;

import dev.gapless.core.internal.Listeners;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Hears what happens inside appends, so callers can log or meter without Gapless depending on a metrics library.
 * Every event is one {@link AppendEvent} record saying which append it is about (artifact, idempotency key, attempt,
 * batch size, and for the terminal events the outcome). The store calls {@link #onEvent}, whose default hands the
 * event to the method of its kind; override {@code onEvent} to hear everything in one place, or the methods of the
 * kinds you need. Every method has an empty default, so a kind added later breaks no listener.
 *
 * <p>Called on the appending thread (for {@code group-commit}, on the leader's thread, once per member); must be
 * thread-safe and fast. A store may have several listeners ({@link ArtifactStore.Builder#listener}, or
 * {@link #composite}); each hears every event in registration order. An exception thrown by a listener is logged
 * (once per listener and event kind) and otherwise ignored: it never fails an append, nor keeps the other listeners
 * from hearing the event.
 */
public interface AppendListener {

    /** A listener that does nothing. */
    AppendListener NONE = new AppendListener() {
    };

    /**
     * A listener that hands every event to {@code onEvent}.
     *
     * @param onEvent what to do with each event, thread-safe
     * @return the listener
     * @throws NullPointerException if {@code onEvent} is {@code null}
     */
    static AppendListener of(Consumer<? super AppendEvent> onEvent) {
        Objects.requireNonNull(onEvent, "onEvent");
        return new AppendListener() {
            @Override
            public void onEvent(AppendEvent event) {
                onEvent.accept(event);
            }
        };
    }

    /**
     * Every listener of {@code listeners}, in order, as one: each hears every event, and one that throws neither
     * fails the append nor keeps the later ones from hearing it (the failure is logged once per listener and event
     * kind). Thread-safe when the listeners are.
     *
     * @param listeners the listeners, in the order they hear each event
     * @return one listener telling them all ({@link #NONE} when {@code listeners} is empty)
     * @throws NullPointerException if {@code listeners} or one of them is {@code null}
     */
    static AppendListener composite(List<? extends AppendListener> listeners) {
        return Listeners.of(listeners);
    }

    /**
     * As {@link #composite(List)}.
     *
     * @param listeners the listeners, in the order they hear each event
     * @return one listener telling them all
     * @throws NullPointerException if {@code listeners} or one of them is {@code null}
     */
    static AppendListener composite(AppendListener... listeners) {
        return Listeners.of(List.of(listeners));
    }

    /**
     * Hears one event. The default hands it to the method of its kind ({@link #onBatch}, {@link #onAttempt},
     * {@link #onConflict}, {@link #onRetryScheduled}, {@link #onSuccess}, {@link #onGiveUp}).
     *
     * @param event what happened
     */
    default void onEvent(AppendEvent event) {
        if (event instanceof AppendEvent.Attempt e) {
            onAttempt(e);
        } else if (event instanceof AppendEvent.Conflict e) {
            onConflict(e);
        } else if (event instanceof AppendEvent.RetryScheduled e) {
            onRetryScheduled(e);
        } else if (event instanceof AppendEvent.Succeeded e) {
            onSuccess(e);
        } else if (event instanceof AppendEvent.GaveUp e) {
            onGiveUp(e);
        } else if (event instanceof AppendEvent.BatchFormed e) {
            onBatch(e);
        }
    }

    /**
     * A {@code group-commit} batch formed (once per batch, before its members' attempts).
     *
     * @param event the artifact and the batch's size
     */
    default void onBatch(AppendEvent.BatchFormed event) {
    }

    /**
     * An attempt (one transaction) of an append is starting.
     *
     * @param event which append, which attempt, and the batch size
     */
    default void onAttempt(AppendEvent.Attempt event) {
    }

    /**
     * An attempt of an append lost a race (see {@link AppendEvent.Conflict}).
     *
     * @param event which append and attempt, and the SQLSTATE and constraint
     */
    default void onConflict(AppendEvent.Conflict event) {
    }

    /**
     * A retry of an append is scheduled.
     *
     * @param event which append and attempt failed, why, and the wait before the next
     */
    default void onRetryScheduled(AppendEvent.RetryScheduled event) {
    }

    /**
     * An append succeeded (or was found already applied).
     *
     * @param event which append, and its result
     */
    default void onSuccess(AppendEvent.Succeeded event) {
    }

    /**
     * An append failed for good.
     *
     * @param event which append, the attempts made, and the exception the caller receives
     */
    default void onGiveUp(AppendEvent.GaveUp event) {
    }
}
