package dev.gapless.core;

/**
 * What a failed call did to the stored data, as far as Gapless can know. Every {@link GaplessException} carries
 * one, set where the exception is made, so that callers (and the messages they show) never have to guess it from
 * the exception's type or cause.
 */
public enum Outcome {

    /** Nothing was written: the call was rejected, rolled back or never sent. Retrying is safe. */
    NOT_APPLIED,

    /**
     * The connection broke while a commit may have been in flight and nothing since could tell whether it landed:
     * the change may or may not be stored. Retry with the same idempotency key (it is never applied twice), or read
     * the history to find out.
     */
    UNKNOWN;

    /**
     * The clause every message about a failure ends with.
     *
     * @return {@code "nothing was written"} or a sentence saying the outcome is unknown
     */
    public String describe() {
        return this == NOT_APPLIED ? "nothing was written"
                : "whether it was written is unknown (the connection broke while a commit may have been in flight)";
    }
}
