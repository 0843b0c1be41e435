package dev.gapless.core;

/**
 * A strategy retried an append as often as its policy allows and every attempt failed. The last failure is the
 * cause; the earlier ones are attached as {@linkplain Throwable#getSuppressed() suppressed} exceptions. The
 * {@link #outcome()} is {@link Outcome#NOT_APPLIED} unless an attempt lost its connection while it may have been
 * committing.
 */
public final class RetriesExhaustedException extends GaplessException {

    /** How many attempts were made. */
    private final int attempts;

    /**
     * Creates a {@code RetriesExhaustedException}.
     *
     * @param attempts the number of attempts made
     * @param last     the failure of the last attempt
     * @param outcome  whether an attempt may have committed unseen
     */
    public RetriesExhaustedException(int attempts, Throwable last, Outcome outcome) {
        super("append failed after " + attempts + " attempts: " + last.getMessage(), last, outcome);
        this.attempts = attempts;
    }

    /** {@return the number of attempts made} */
    public int attempts() {
        return attempts;
    }
}
