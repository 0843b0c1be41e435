package dev.gapless.core;

import java.util.Objects;

/**
 * Root of every exception Gapless throws. Unchecked; a raw {@link java.sql.SQLException} never escapes the public
 * API: where a database error is the cause, its SQLSTATE and constraint travel in a {@link StorageException}.
 *
 * <p>Every instance says what the failed call did to the stored data: {@link #outcome()}.
 */
public abstract class GaplessException extends RuntimeException {

    /** Whether anything may have been written. */
    private final Outcome outcome;

    /**
     * Creates a {@code GaplessException}.
     *
     * @param message what went wrong, naming the thing involved
     * @param cause   the underlying failure, or {@code null}
     * @param outcome whether anything may have been written
     * @throws NullPointerException if {@code outcome} is {@code null}
     */
    protected GaplessException(String message, Throwable cause, Outcome outcome) {
        super(message, cause);
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * Whether the failed call may have written anything: {@link Outcome#NOT_APPLIED} when it certainly did not,
     * {@link Outcome#UNKNOWN} when a commit may have landed unseen.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }
}
