package dev.gapless.core;

import java.util.Optional;

/**
 * The database failed an operation. Carries the SQLSTATE and, where PostgreSQL named one, the constraint, so that
 * callers can act on codes rather than on message text.
 */
public class StorageException extends GaplessException {

    /** The database's SQLSTATE, or {@code null}. */
    private final String sqlState;
    /** The constraint violated, or {@code null}. */
    private final String constraint;

    /**
     * A failure after which nothing was written (the transaction was rolled back, or never started).
     *
     * @param message    what failed
     * @param sqlState   the SQLSTATE, or {@code null} when unknown
     * @param constraint the constraint named by the server, or {@code null}
     * @param cause      the underlying failure
     */
    public StorageException(String message, String sqlState, String constraint, Throwable cause) {
        this(message, sqlState, constraint, cause, Outcome.NOT_APPLIED);
    }

    /**
     * Creates a {@code StorageException}.
     *
     * @param message    what failed
     * @param sqlState   the SQLSTATE, or {@code null} when unknown
     * @param constraint the constraint named by the server, or {@code null}
     * @param cause      the underlying failure
     * @param outcome    whether anything may have been written
     */
    public StorageException(String message, String sqlState, String constraint, Throwable cause, Outcome outcome) {
        super(message, cause, outcome);
        this.sqlState = sqlState;
        this.constraint = constraint;
    }

    /**
     * The SQLSTATE of the failure, e.g. {@code 23505}.
     *
     * @return the SQLSTATE, or empty when the failure had none
     */
    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }

    /**
     * The constraint the server named, e.g. {@code artifact_versions_artifact_id_version_number_key}.
     *
     * @return the constraint, or empty
     */
    public Optional<String> constraint() {
        return Optional.ofNullable(constraint);
    }
}
