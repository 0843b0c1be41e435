package dev.gapless.core;

/**
 * A strategy retried an append as often as its policy allows and every attempt failed. The last failure is the
 * cause; the earlier ones are attached as {@linkplain Throwable#getSuppressed() suppressed} exceptions. Nothing was
 * written by this append.
 */
public final class RetriesExhaustedException extends GaplessException {

    private final int attempts;

    /**
     * @param attempts the number of attempts made
     * @param last     the failure of the last attempt
     */
    public RetriesExhaustedException(int attempts, Throwable last) {
        super("append failed after " + attempts + " attempts: " + last.getMessage(), last);
        this.attempts = attempts;
    }

    /** @return the number of attempts made */
    public int attempts() {
        return attempts;
    }
}
