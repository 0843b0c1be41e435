package dev.gapless.core;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * One thing that happened inside an append, as an {@link AppendListener} hears it: which artifact, and for the events
 * of one append, which append (its idempotency key), which attempt, and how many appends shared that attempt's
 * transaction. Each kind is a record; a field added later is a new accessor, so listeners keep compiling. Immutable
 * and thread-safe.
 */
public sealed interface AppendEvent permits AppendEvent.BatchFormed, AppendEvent.OfAppend {

    /**
     * The artifact the event is about.
     *
     * @return the artifact
     */
    UUID artifactId();

    /**
     * How many appends the transaction the event is about writes together: 1 for an append alone; for
     * {@code group-commit}, the size of its batch.
     *
     * @return the batch size, from 1
     */
    int batchSize();

    /**
     * An event about one append (one member of a batch): {@link Attempt}, {@link Conflict}, {@link RetryScheduled},
     * and the terminal {@link Succeeded} or {@link GaveUp}, which say the outcome.
     */
    sealed interface OfAppend extends AppendEvent
            permits Attempt, Conflict, RetryScheduled, Succeeded, GaveUp {

        /**
         * The append's idempotency key, which tells the appends of one artifact apart.
         *
         * @return the key, or {@code null} when the append has none
         */
        String idempotencyKey();

        /**
         * The attempt the event is about, from 1; for {@link GaveUp}, the attempts made (0 when the append timed
         * out before its first attempt, waiting in a {@code group-commit} queue).
         *
         * @return the attempt number
         */
        int attempt();
    }

    /**
     * A {@code group-commit} leader formed a batch: {@code batchSize} appends to one artifact in one transaction.
     * Heard once per batch, before its members' first {@link Attempt}; the size is what queued while the previous
     * batch held the lock. Only {@code group-commit} forms batches.
     *
     * @param artifactId the artifact
     * @param batchSize  the appends in the batch, from 1
     */
    record BatchFormed(UUID artifactId, int batchSize) implements AppendEvent {

        /**
         * Creates the event.
         *
         * @param artifactId the artifact
         * @param batchSize  the appends in the batch, from 1
         * @throws NullPointerException if {@code artifactId} is {@code null}
         */
        public BatchFormed {
            Objects.requireNonNull(artifactId, "artifactId");
        }
    }

    /**
     * An attempt (one transaction) of an append is starting.
     *
     * @param artifactId     the artifact
     * @param idempotencyKey the append's key, or {@code null}
     * @param attempt        the attempt number, from 1
     * @param batchSize      the appends in the attempt's transaction, from 1
     */
    record Attempt(UUID artifactId, String idempotencyKey, int attempt, int batchSize) implements OfAppend {

        /**
         * Creates the event.
         *
         * @param artifactId     the artifact
         * @param idempotencyKey the append's key, or {@code null}
         * @param attempt        the attempt number, from 1
         * @param batchSize      the appends in the attempt's transaction, from 1
         * @throws NullPointerException if {@code artifactId} is {@code null}
         */
        public Attempt {
            Objects.requireNonNull(artifactId, "artifactId");
        }
    }

    /**
     * An attempt lost a race: another writer took the version ({@code 23505} on the version constraint), or the
     * database aborted the transaction to keep it serializable ({@code 40001}, {@code 40P01}), or a compare-and-set
     * on the head found it moved.
     *
     * @param artifactId     the artifact
     * @param idempotencyKey the append's key, or {@code null}
     * @param attempt        the attempt that lost
     * @param batchSize      the appends in the attempt's transaction, from 1
     * @param sqlState       the SQLSTATE
     * @param constraint     the constraint, or {@code null}
     */
    record Conflict(UUID artifactId, String idempotencyKey, int attempt, int batchSize, String sqlState,
                    String constraint) implements OfAppend {

        /**
         * Creates the event.
         *
         * @param artifactId     the artifact
         * @param idempotencyKey the append's key, or {@code null}
         * @param attempt        the attempt that lost
         * @param batchSize      the appends in the attempt's transaction, from 1
         * @param sqlState       the SQLSTATE
         * @param constraint     the constraint, or {@code null}
         * @throws NullPointerException if {@code artifactId} is {@code null}
         */
        public Conflict {
            Objects.requireNonNull(artifactId, "artifactId");
        }
    }

    /**
     * A retry of an append will start after {@code delay}.
     *
     * @param artifactId     the artifact
     * @param idempotencyKey the append's key, or {@code null}
     * @param attempt        the attempt that failed
     * @param batchSize      the appends in the failed attempt's transaction, from 1
     * @param delay          the wait before the next attempt
     * @param failure        why the attempt failed
     */
    record RetryScheduled(UUID artifactId, String idempotencyKey, int attempt, int batchSize, Duration delay,
                          GaplessException failure) implements OfAppend {

        /**
         * Creates the event.
         *
         * @param artifactId     the artifact
         * @param idempotencyKey the append's key, or {@code null}
         * @param attempt        the attempt that failed
         * @param batchSize      the appends in the failed attempt's transaction, from 1
         * @param delay          the wait before the next attempt
         * @param failure        why the attempt failed
         * @throws NullPointerException if {@code artifactId}, {@code delay} or {@code failure} is {@code null}
         */
        public RetryScheduled {
            Objects.requireNonNull(artifactId, "artifactId");
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * The append succeeded (or was found already applied): the outcome is {@code result}.
     *
     * @param idempotencyKey the append's key, or {@code null}
     * @param attempt        the attempt that succeeded (the result's {@link AppendResult#attempts()})
     * @param batchSize      the appends in that attempt's transaction, from 1
     * @param result         what the caller receives
     */
    record Succeeded(String idempotencyKey, int attempt, int batchSize, AppendResult result) implements OfAppend {

        /**
         * Creates the event.
         *
         * @param idempotencyKey the append's key, or {@code null}
         * @param attempt        the attempt that succeeded (the result's {@link AppendResult#attempts()})
         * @param batchSize      the appends in that attempt's transaction, from 1
         * @param result         what the caller receives
         * @throws NullPointerException if {@code result} is {@code null}
         */
        public Succeeded {
            Objects.requireNonNull(result, "result");
        }

        /**
         * The artifact, from the result.
         *
         * @return the artifact
         */
        @Override
        public UUID artifactId() {
            return result.artifactId();
        }
    }

    /**
     * The append failed for good: the outcome is {@code failure}, whose {@link GaplessException#outcome()} says
     * whether anything was written.
     *
     * @param artifactId     the artifact
     * @param idempotencyKey the append's key, or {@code null}
     * @param attempt        the attempts made, from 1; 0 when it timed out waiting in a {@code group-commit} queue
     * @param batchSize      the appends in its last attempt's transaction, from 1 (1 when it made no attempt)
     * @param failure        the exception the caller receives
     */
    record GaveUp(UUID artifactId, String idempotencyKey, int attempt, int batchSize, GaplessException failure)
            implements OfAppend {

        /**
         * Creates the event.
         *
         * @param artifactId     the artifact
         * @param idempotencyKey the append's key, or {@code null}
         * @param attempt        the attempts made, from 1; 0 when it timed out waiting in a {@code group-commit}
         *                       queue
         * @param batchSize      the appends in its last attempt's transaction, from 1 (1 when it made no attempt)
         * @param failure        the exception the caller receives
         * @throws NullPointerException if {@code artifactId} or {@code failure} is {@code null}
         */
        public GaveUp {
            Objects.requireNonNull(artifactId, "artifactId");
            Objects.requireNonNull(failure, "failure");
        }

        /**
         * Whether anything was written, from the failure.
         *
         * @return the failure's outcome
         */
        public Outcome outcome() {
            return failure.outcome();
        }
    }
}
