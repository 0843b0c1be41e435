package dev.gapless.core;

import java.time.Duration;
import java.util.Objects;

/**
 * An append's deadline passed (waiting for a pooled connection, for a lock, for a statement, or between retries)
 * before it committed. Usually nothing was written ({@link Outcome#NOT_APPLIED}); when an earlier attempt lost its
 * connection while it may have been committing, the {@link #outcome()} is {@link Outcome#UNKNOWN} and the message
 * says so: retry with the same idempotency key to settle it.
 */
public final class AppendTimeoutException extends StorageException {

    /** The deadline that passed. */
    private final Duration timeout;

    /**
     * A timeout after which nothing was written.
     *
     * @param timeout  the deadline the append had
     * @param sqlState the SQLSTATE that reported the expiry ({@code 55P03}, {@code 57014}), or {@code null}
     * @param cause    the underlying failure, or {@code null}
     */
    public AppendTimeoutException(Duration timeout, String sqlState, Throwable cause) {
        this(timeout, sqlState, cause, Outcome.NOT_APPLIED);
    }

    /**
     * Creates an {@code AppendTimeoutException}.
     *
     * @param timeout  the deadline the append had
     * @param sqlState the SQLSTATE that reported the expiry ({@code 55P03}, {@code 57014}), or {@code null}
     * @param cause    the underlying failure, or {@code null}
     * @param outcome  whether an earlier attempt may have committed unseen
     */
    public AppendTimeoutException(Duration timeout, String sqlState, Throwable cause, Outcome outcome) {
        super("append did not complete within " + Objects.requireNonNull(timeout, "timeout").toMillis() + " ms; "
                + outcome.describe(), sqlState, null, cause, outcome);
        this.timeout = timeout;
    }

    /** {@return the deadline the append had} */
    public Duration timeout() {
        return timeout;
    }
}
