package dev.gapless.core;

/**
 * No database connection could be obtained (the pool stayed exhausted, or the database was unreachable) before the
 * call's deadline or retry budget ran out. Nothing was sent, so nothing was written: retrying later is safe.
 */
public final class ConnectionUnavailableException extends StorageException {

    /**
     * Creates a {@code ConnectionUnavailableException}.
     *
     * @param message  what could not be had
     * @param sqlState the SQLSTATE the data source reported, or {@code null}
     * @param cause    what the data source threw
     */
    public ConnectionUnavailableException(String message, String sqlState, Throwable cause) {
        super(message, sqlState, null, cause, Outcome.NOT_APPLIED);
    }
}
