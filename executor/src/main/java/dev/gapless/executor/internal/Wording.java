package dev.gapless.executor.internal;

import dev.gapless.core.Outcome;

/**
 * The words every failed tool call ends with, keyed by what core says was written ({@code outcome()}): written once
 * here, so that a timeout, an interrupt, an internal error and a store failure tell the agent the same thing in the
 * same sentence. Stateless.
 */
public final class Wording {

    /** What an agent may do after a failure that wrote nothing: call again, with the same id. */
    public static final String RETRY_IS_SAFE = " Retrying with the same tool call id is safe.";

    private Wording() {
    }

    /**
     * Whether anything was written, and what to do about it.
     *
     * @param outcome what core says of the failed write
     * @return {@code "nothing was written."}, or that the outcome is unknown and the same id may be retried
     */
    public static String written(Outcome outcome) {
        return switch (outcome) {
            case NOT_APPLIED -> "nothing was written.";
            case UNKNOWN -> "whether the change was applied is unknown. Retry with the same tool call id: it is never"
                    + " applied twice.";
        };
    }

    /**
     * A failure's message: its cause, then {@link #written}.
     *
     * @param cause   what went wrong, in a few words
     * @param outcome what was written
     * @return e.g. {@code "internal error; whether the change was applied is unknown. Retry …"}
     */
    public static String failed(String cause, Outcome outcome) {
        return cause + "; " + written(outcome);
    }
}
