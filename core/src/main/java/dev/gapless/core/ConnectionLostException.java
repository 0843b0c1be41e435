package dev.gapless.core;

/**
 * The connection to the database broke during an append (SQLSTATE class {@code 08}, or {@code 57P01}–{@code 57P03}
 * when the server shut down) and Gapless could not settle the outcome: either the append carried no idempotency key,
 * so it could not be retried safely, or its retries with the key ran out of time or attempts first. Its
 * {@link #outcome()} is always {@link Outcome#UNKNOWN}: if the connection broke while COMMIT was in flight, the
 * version may or may not have been written. Retry with the same idempotency key (it is never applied twice), or read
 * the artifact's history to find out.
 */
public final class ConnectionLostException extends StorageException {

    /**
     * Creates a {@code ConnectionLostException}.
     *
     * @param message  what was lost
     * @param sqlState the SQLSTATE
     * @param cause    the underlying failure
     */
    public ConnectionLostException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, null, cause, Outcome.UNKNOWN);
    }
}
