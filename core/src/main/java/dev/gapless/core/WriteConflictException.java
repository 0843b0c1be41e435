package dev.gapless.core;

/**
 * Another writer took the version this append tried to write (a unique violation on
 * {@code artifact_versions_artifact_id_version_number_key}, or a serialization failure) and the strategy does not
 * retry, or retries were not allowed. Nothing was written by this append.
 */
public final class WriteConflictException extends StorageException {

    /**
     * Creates a {@code WriteConflictException}.
     *
     * @param message    what collided
     * @param sqlState   the SQLSTATE ({@code 23505}, {@code 40001} or {@code 40P01})
     * @param constraint the constraint, or {@code null}
     * @param cause      the underlying failure
     */
    public WriteConflictException(String message, String sqlState, String constraint, Throwable cause) {
        super(message, sqlState, constraint, cause, Outcome.NOT_APPLIED);
    }
}
