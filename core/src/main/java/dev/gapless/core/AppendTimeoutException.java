package dev.gapless.core;

import java.time.Duration;

/**
 * An append's deadline passed (waiting for a pooled connection, for a lock, or for a statement) before it
 * committed. The transaction was rolled back; nothing was written.
 */
public final class AppendTimeoutException extends StorageException {

    private final Duration timeout;

    /**
     * @param timeout  the deadline the append had
     * @param sqlState the SQLSTATE that reported the expiry ({@code 55P03}, {@code 57014}), or {@code null}
     * @param cause    the underlying failure, or {@code null}
     */
    public AppendTimeoutException(Duration timeout, String sqlState, Throwable cause) {
        super("append did not complete within " + timeout.toMillis() + " ms", sqlState, null, cause);
        this.timeout = timeout;
    }

    /** @return the deadline the append had */
    public Duration timeout() {
        return timeout;
    }
}
