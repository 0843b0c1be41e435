package dev.gapless.core;

/**
 * Root of every exception Gapless throws. Unchecked; a raw {@link java.sql.SQLException} never escapes the public
 * API: where a database error is the cause, its SQLSTATE and constraint travel in a {@link StorageException}.
 */
public abstract class GaplessException extends RuntimeException {

    /**
     * @param message what went wrong, naming the thing involved
     * @param cause   the underlying failure, or {@code null}
     */
    protected GaplessException(String message, Throwable cause) {
        super(message, cause);
    }
}
