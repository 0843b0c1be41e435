package dev.gapless.core;

import java.util.Objects;

/**
 * The database refused the store's configuration, and no retry can change that: a wrong user or password, a
 * database or schema that does not exist, a server this store never reached refusing the connection (a wrong host
 * or port), a missing privilege, the Gapless schema not applied ({@link Schema#apply}) or older than this code. The
 * call ends at once, without waiting for its deadline; the message names the cause with its SQLSTATE and the
 * server's (or driver's) own words. Nothing was written.
 */
public final class ConfigurationException extends StorageException {

    /** What is wrong. */
    public enum Problem {
        /** 28xxx: the login was refused (user, password, or {@code pg_hba.conf}). */
        AUTHENTICATION,
        /** 3D000 or 3F000: the database (or schema) named by the configuration does not exist. */
        UNKNOWN_DATABASE,
        /** 08001 or 08004 before any connection was ever had: nothing accepts connections at that address. */
        UNREACHABLE,
        /** 42501: the database user lacks a privilege on Gapless's tables or functions. */
        INSUFFICIENT_PRIVILEGE,
        /** 42P01, 42883 or 42703: the Gapless schema is not applied, or is older than this code. */
        SCHEMA_NOT_APPLIED
    }

    /** What is wrong with the configuration. */
    private final Problem problem;

    /**
     * Creates a {@code ConfigurationException}.
     *
     * @param problem  what is wrong
     * @param message  the cause, naming its SQLSTATE and what the database said
     * @param sqlState the SQLSTATE
     * @param cause    the underlying failure
     */
    public ConfigurationException(Problem problem, String message, String sqlState, Throwable cause) {
        super(message, sqlState, null, cause, Outcome.NOT_APPLIED);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /**
     * What is wrong.
     *
     * @return the problem
     */
    public Problem problem() {
        return problem;
    }
}
