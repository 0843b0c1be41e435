package dev.gapless.core;

import java.time.Duration;
import java.util.UUID;

/**
 * Hears what happens inside appends, so callers can log or meter without Gapless depending on a metrics library.
 * Every method has an empty default; override what you need. Called on the appending thread (for
 * {@code group-commit}, on the leader's thread); must be thread-safe and fast. An exception thrown by a listener is
 * logged and otherwise ignored: it never fails an append.
 */
public interface AppendListener {

    /** A listener that does nothing. */
    AppendListener NONE = new AppendListener() {
    };

    /**
     * An attempt (one transaction) is starting.
     *
     * @param artifactId the artifact
     * @param attempt    the attempt number, from 1
     */
    default void onAttempt(UUID artifactId, int attempt) {
    }

    /**
     * An attempt lost a race: another writer took the version ({@code 23505} on the version constraint), or the
     * database aborted the transaction to keep it serializable ({@code 40001}, {@code 40P01}), or a
     * compare-and-set on the head found it moved.
     *
     * @param artifactId the artifact
     * @param attempt    the attempt that lost
     * @param sqlState   the SQLSTATE
     * @param constraint the constraint, or {@code null}
     */
    default void onConflict(UUID artifactId, int attempt, String sqlState, String constraint) {
    }

    /**
     * A retry will start after {@code delay}.
     *
     * @param artifactId the artifact
     * @param attempt    the attempt that failed
     * @param delay      the wait before the next attempt
     * @param failure    why the attempt failed
     */
    default void onRetryScheduled(UUID artifactId, int attempt, Duration delay, GaplessException failure) {
    }

    /**
     * The append succeeded (or was found already applied).
     *
     * @param result the result
     */
    default void onSuccess(AppendResult result) {
    }

    /**
     * The append failed for good.
     *
     * @param artifactId the artifact
     * @param attempts   the attempts made
     * @param failure    the exception the caller receives
     */
    default void onGiveUp(UUID artifactId, int attempts, GaplessException failure) {
    }

    /**
     * A {@code group-commit} leader starts a batch: {@code members} appends to one artifact in one transaction. Only
     * {@code group-commit} calls it; the size is what queued while the previous batch held the lock.
     *
     * @param artifactId the artifact
     * @param members    the appends in the batch, from 1
     */
    default void onBatch(UUID artifactId, int members) {
    }
}
