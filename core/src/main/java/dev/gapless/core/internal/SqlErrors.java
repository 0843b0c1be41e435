package dev.gapless.core.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The one place where database errors are classified: by SQLSTATE and constraint name, never by message text.
 * Walks the cause chain and {@link SQLException#getNextException()} so that a batch or a wrapped failure is seen.
 */
public final class SqlErrors {

    /** The unique constraint two writers of the same next version collide on. */
    public static final String VERSION_CONSTRAINT = "artifact_versions_artifact_id_version_number_key";
    /** The unique constraint that makes idempotency keys exactly-once. */
    public static final String IDEMPOTENCY_CONSTRAINT = "artifact_versions_artifact_id_idempotency_key_key";
    /**
     * The foreign key from a head file to its content: violated when a prune collected a content that an attempt
     * found stored (so did not insert) and then referenced. A retry inserts it again.
     */
    public static final String CONTENT_CONSTRAINT = "artifact_files_artifact_id_sha256_fkey";

    /** The primary key of the rejections recorded under idempotency keys: one per key, like a version's. */
    public static final String KEY_FAILURE_CONSTRAINT = "artifact_key_failures_key";

    /**
     * The checks that keep an artifact's counters from going negative. A writer that takes no lock (the {@code retry}
     * baseline) reads the counters and the file rows in separate statements; a commit between them makes it compute
     * a count below zero, which this check refuses before the version's unique constraint would: the same lost race.
     */
    public static final Set<String> COUNTER_CHECKS = Set.of("artifacts_file_count_check",
            "artifacts_total_bytes_check", "artifacts_changes_since_manifest_check");

    /** Gapless's own SQLSTATE for a compare-and-set on {@code head_version} that found the head moved. */
    public static final String CAS_LOST = "GL409";
    /** Raised by {@code gapless_append}: a delete names a file the artifact does not have. */
    public static final String NO_SUCH_FILE = "GL001";
    /** Raised by {@code gapless_append}: the head is not the expected version; DETAIL holds the actual head. */
    public static final String EXPECTED_VERSION = "GL002";
    /** Raised by {@code gapless_append} and {@code gapless_set_head}: no artifact has the id. */
    public static final String NO_SUCH_ARTIFACT = "GL003";
    /** Raised by {@code gapless_append}: the change would pass the file-count limit; DETAIL holds the count. */
    public static final String TOO_MANY_FILES = "GL004";
    /** Raised by {@code gapless_append}: the change would pass the size limit; DETAIL holds the total bytes. */
    public static final String ARTIFACT_TOO_LARGE = "GL005";
    /** Raised by {@code gapless_append}: the key was used for another change; DETAIL holds that version. */
    public static final String KEY_REUSED = "GL006";
    /**
     * Raised by {@code gapless_append}: an edit does not apply to the latest content (or a create finds the file);
     * DETAIL holds the {@link dev.gapless.core.InvalidChangeException.Reason} name, the message says what was found.
     */
    public static final String EDIT_REJECTED = "GL007";

    /**
     * Which failures a retrying caller retries: the scopes of the one rule, {@link Kind#retried}. A strategy's scope
     * is its kind's ({@link StrategyKind#retryScope()}).
     */
    public enum RetryScope {
        /** Only a collision on the version constraint (or on the key): what the original fix retried (baselines). */
        VERSION_CONFLICTS,
        /**
         * Every failure whose kind says a retry is safe ({@link Retry}): collisions, serialization failures,
         * deadlocks, no connection from the pool (nothing was sent); and broken connections for an append with an
         * idempotency key (a retry finds the earlier attempt if it did commit). The real strategies.
         */
        SAFE_FAILURES,
        /**
         * Only serialization failures and deadlocks: a transaction outside the write path that has no version to
         * collide on (get-or-create, the retention mark of a prune), run again from its start.
         */
        SERIALIZATION
    }

    /** Whether a failure of a whole attempt may be retried (the one rule: {@link Kind#retried}). */
    public enum Retry {
        /** Always: nothing was written, and the next attempt may well succeed. */
        ALWAYS,
        /**
         * Only with an idempotency key: a COMMIT may have landed unseen, and only the key lets the next attempt find
         * it instead of writing the change twice.
         */
        WITH_KEY,
        /** Never: the next attempt would meet the same failure (or the deadline already passed). */
        NEVER
    }

    /** What a failure means to a writer, and how it is retried. */
    public enum Kind {
        /** 23505 on the version constraint: another writer took the version; safe to retry from the read. */
        VERSION_CONFLICT(Retry.ALWAYS, false),
        /**
         * 23505 on the idempotency constraint (or the recorded rejections' key): this key was already spent; the
         * retry finds what spent it.
         */
        ALREADY_APPLIED(Retry.ALWAYS, false),
        /** 40001: serialization failure; safe to retry the whole transaction. */
        SERIALIZATION_FAILURE(Retry.ALWAYS, false),
        /** 40P01: deadlock detected; safe to retry the whole transaction. */
        DEADLOCK(Retry.ALWAYS, false),
        /** 55P03: lock_timeout expired (it is set to the deadline, so the deadline has passed). */
        LOCK_TIMEOUT(Retry.NEVER, false),
        /** 57014: statement_timeout expired (or the statement was cancelled). */
        STATEMENT_TIMEOUT(Retry.NEVER, false),
        /** 08xxx or 57P01–57P03: the connection or server went away; a COMMIT in flight has an unknown outcome. */
        CONNECTION(Retry.WITH_KEY, false),
        /** No connection could be had from the data source: nothing was sent, so a retry is always safe. */
        NO_CONNECTION(Retry.ALWAYS, false),
        /**
         * A configuration no retry can fix: a refused login (28xxx), an unknown database (3D000) or schema
         * (3F000), a missing privilege (42501), the Gapless schema not applied or older than this code (42P01,
         * 42883, 42703), or a server this store never reached refusing the connection (08001, 08004).
         */
        CONFIGURATION(Retry.NEVER, false),
        /** 23503 (a foreign key points nowhere) or GL003: the artifact does not exist. */
        NO_SUCH_ARTIFACT(Retry.NEVER, false),
        /** GL001: a delete of a missing file, found by the server function. */
        NO_SUCH_FILE(Retry.NEVER, true),
        /** GL002: the head is not the expected version, found by the server function. */
        EXPECTED_VERSION(Retry.NEVER, true),
        /** GL004: the change would pass the file-count limit, found by the server function. */
        TOO_MANY_FILES(Retry.NEVER, true),
        /** GL005: the change would pass the size limit, found by the server function. */
        ARTIFACT_TOO_LARGE(Retry.NEVER, true),
        /** GL006: the idempotency key was used for another change, found by the server function. */
        KEY_REUSED(Retry.NEVER, true),
        /** GL007: an edit does not apply to the latest content, found by the server function. */
        EDIT_REJECTED(Retry.NEVER, true),
        /** Anything else: not retried. */
        OTHER(Retry.NEVER, false);

        private final Retry retry;
        private final boolean keyCheckedUnderLock;

        Kind(Retry retry, boolean keyCheckedUnderLock) {
            this.retry = retry;
            this.keyCheckedUnderLock = keyCheckedUnderLock;
        }

        /** @return how a failure of this kind is retried */
        public Retry retry() {
            return retry;
        }

        /**
         * The one retry rule: whether a caller retrying in {@code scope} may run the whole transaction again after a
         * failure of this kind (within its policy's budgets and its deadline).
         *
         * @param scope what the caller retries
         * @param keyed whether the append carries an idempotency key
         * @return whether a retry is safe and may help
         */
        public boolean retried(RetryScope scope, boolean keyed) {
            return switch (scope) {
                case VERSION_CONFLICTS -> this == VERSION_CONFLICT || this == ALREADY_APPLIED;
                case SAFE_FAILURES -> retry == Retry.ALWAYS || retry == Retry.WITH_KEY && keyed;
                case SERIALIZATION -> this == SERIALIZATION_FAILURE || this == DEADLOCK;
            };
        }

        /**
         * @return whether a failure of this kind is raised only after the key was looked up under the artifact's
         *         lock, which proves that no earlier attempt of the append committed
         */
        public boolean keyCheckedUnderLock() {
            return keyCheckedUnderLock;
        }
    }

    /**
     * A classified failure.
     *
     * @param kind       what it means
     * @param sqlState   the SQLSTATE, or {@code null}
     * @param constraint the constraint named by the server, or {@code null}
     */
    public record Classified(Kind kind, String sqlState, String constraint) {

        /** @return whether the whole read-compute-write may be retried without an idempotency key */
        public boolean isConflict() {
            return kind == Kind.VERSION_CONFLICT || kind == Kind.SERIALIZATION_FAILURE || kind == Kind.DEADLOCK;
        }

        /** @return whether the failure may have hidden a COMMIT that landed */
        public boolean isAmbiguous() {
            return kind == Kind.CONNECTION;
        }

        /**
         * Whether a caller retrying in {@code scope} may run the whole transaction again after this failure: the
         * one rule, {@link Kind#retried}.
         *
         * @param scope what the caller retries
         * @param keyed whether the append carries an idempotency key
         * @return whether a retry is safe and may help
         */
        public boolean retryable(RetryScope scope, boolean keyed) {
            return kind.retried(scope, keyed);
        }
    }

    private SqlErrors() {
    }

    /** Wraps a failure to obtain a connection, before anything was sent to the server. */
    public static final class NoConnectionException extends SQLException {

        private final boolean firstUse;

        /**
         * @param cause    what the data source threw
         * @param firstUse whether no connection was ever had from this data source (so a refused connection is more
         *                 likely a wrong host or port than a server restarting)
         */
        public NoConnectionException(SQLException cause, boolean firstUse) {
            super("no database connection could be obtained: " + cause.getMessage(), cause.getSQLState(), cause);
            this.firstUse = firstUse;
        }

        /** @return whether no connection was ever had from this data source */
        public boolean firstUse() {
            return firstUse;
        }
    }

    /**
     * Classifies a failure.
     *
     * @param failure the failure, usually an {@link SQLException}
     * @return its classification; {@link Kind#OTHER} when no SQLSTATE is found
     */
    public static Classified classify(Throwable failure) {
        Classified c = classifyChain(failure);
        if (!(failure instanceof NoConnectionException e) || c.kind() == Kind.CONFIGURATION) {
            return c;
        }
        // nothing was sent: a pool that timed out (HikariCP: SQLTransientConnectionException, with the pool's last
        // connection failure as its next exception, looked at above), an unreachable or restarting server, too
        // many connections may heal; a server never reached that refuses the connection is a wrong host or port
        String state = c.sqlState();
        if (e.firstUse() && ("08001".equals(state) || "08004".equals(state))) {
            return new Classified(Kind.CONFIGURATION, state, null);
        }
        if (c.kind() == Kind.CONNECTION || state == null || state.startsWith("53")
                || e.getCause() instanceof java.sql.SQLTransientException) {
            return new Classified(Kind.NO_CONNECTION, state, null);
        }
        return c;
    }

    /** The first classification found in the cause chain and each link's next exceptions. */
    private static Classified classifyChain(Throwable failure) {
        Classified fallback = null;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (!(t instanceof SQLException sql)) {
                continue;
            }
            for (SQLException e = sql.getNextException(); e != null && seen.put(e, Boolean.TRUE) == null;
                    e = e.getNextException()) {
                Classified c = classifyOne(e);
                if (c.kind() != Kind.OTHER) {
                    return c;
                }
            }
            Classified c = classifyOne(sql);
            if (c.kind() != Kind.OTHER) {
                return c;
            }
            // 25P02 (transaction aborted) only echoes an earlier error: prefer any other state
            if (fallback == null && c.sqlState() != null && !"25P02".equals(c.sqlState())) {
                fallback = c;
            }
        }
        return fallback != null ? fallback : new Classified(Kind.OTHER, null, null);
    }

    /**
     * What the database said about the failure with {@code sqlState}: the server's message where it sent one
     * (found behind wrappers and in next exceptions), else the driver's. For telling a person, never for deciding.
     *
     * @param failure  the failure
     * @param sqlState the SQLSTATE it was classified by
     * @return the text, or {@code null}
     */
    public static String describe(Throwable failure, String sqlState) {
        List<SQLException> all = new ArrayList<>();
        collect(failure, all, new IdentityHashMap<>());
        String driver = null;
        for (SQLException e : all) {
            if (sqlState == null || !sqlState.equals(e.getSQLState())) {
                continue;
            }
            if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage().getMessage();
            }
            if (driver == null && e instanceof PSQLException) {
                driver = e.getMessage();
            }
        }
        return driver;
    }

    /** Every SQLException behind {@code t}: its causes and their next exceptions, depth first. */
    private static void collect(Throwable t, List<SQLException> into, Map<Throwable, Boolean> seen) {
        for (; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                into.add(sql);
                collect(sql.getNextException(), into, seen);
            }
        }
    }

    private static Classified classifyOne(SQLException e) {
        String state = e.getSQLState();
        String constraint = constraintOf(e);
        if (state == null) {
            return new Classified(Kind.OTHER, null, constraint);
        }
        Kind kind;
        if ("23505".equals(state) && VERSION_CONSTRAINT.equals(constraint)) {
            kind = Kind.VERSION_CONFLICT;
        } else if ("23505".equals(state) && (IDEMPOTENCY_CONSTRAINT.equals(constraint)
                || KEY_FAILURE_CONSTRAINT.equals(constraint))) {
            kind = Kind.ALREADY_APPLIED;
        } else if (CAS_LOST.equals(state) || "23514".equals(state) && COUNTER_CHECKS.contains(constraint)) {
            kind = Kind.VERSION_CONFLICT;
        } else if ("40001".equals(state) || ("23503".equals(state) && CONTENT_CONSTRAINT.equals(constraint))) {
            kind = Kind.SERIALIZATION_FAILURE;
        } else if ("40P01".equals(state)) {
            kind = Kind.DEADLOCK;
        } else if ("55P03".equals(state)) {
            kind = Kind.LOCK_TIMEOUT;
        } else if ("57014".equals(state)) {
            kind = Kind.STATEMENT_TIMEOUT;
        } else if (state.startsWith("08") || "57P01".equals(state) || "57P02".equals(state)
                || "57P03".equals(state)) {
            kind = Kind.CONNECTION;
        } else if (state.startsWith("28") || "3D000".equals(state) || "3F000".equals(state)
                || "42501".equals(state) || "42P01".equals(state) || "42883".equals(state)
                || "42703".equals(state)) {
            kind = Kind.CONFIGURATION;
        } else if ("23503".equals(state) || NO_SUCH_ARTIFACT.equals(state)) {
            kind = Kind.NO_SUCH_ARTIFACT;
        } else if (NO_SUCH_FILE.equals(state)) {
            kind = Kind.NO_SUCH_FILE;
        } else if (EXPECTED_VERSION.equals(state)) {
            kind = Kind.EXPECTED_VERSION;
        } else if (TOO_MANY_FILES.equals(state)) {
            kind = Kind.TOO_MANY_FILES;
        } else if (ARTIFACT_TOO_LARGE.equals(state)) {
            kind = Kind.ARTIFACT_TOO_LARGE;
        } else if (KEY_REUSED.equals(state)) {
            kind = Kind.KEY_REUSED;
        } else if (EDIT_REJECTED.equals(state)) {
            kind = Kind.EDIT_REJECTED;
        } else {
            kind = Kind.OTHER;
        }
        return new Classified(kind, state, constraint);
    }

    /**
     * The number the server sent as DETAIL with one of Gapless's own errors (the actual head for
     * {@link #EXPECTED_VERSION}, a count for the limits), or {@code fallback} when there is none or it is not a
     * number.
     *
     * @param failure  the failure
     * @param fallback what to return without a number
     * @return the number
     */
    public static long detailNumber(Throwable failure, long fallback) {
        ServerErrorMessage server = serverError(failure);
        String detail = server == null ? null : server.getDetail();
        if (detail == null) {
            return fallback;
        }
        try {
            return Long.parseLong(detail.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * The DETAIL the server sent with one of Gapless's own errors, or {@code null}.
     *
     * @param failure the failure
     * @return the detail
     */
    public static String detail(Throwable failure) {
        ServerErrorMessage server = serverError(failure);
        return server == null ? null : server.getDetail();
    }

    /**
     * The primary message the server sent, e.g. the text of a {@code RAISE} in the server function. For telling a
     * person what happened, never for deciding what to do.
     *
     * @param failure the failure
     * @return the message, or {@code null}
     */
    public static String serverMessage(Throwable failure) {
        ServerErrorMessage server = serverError(failure);
        return server == null ? null : server.getMessage();
    }

    private static ServerErrorMessage serverError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage();
            }
        }
        return null;
    }

    private static String constraintOf(SQLException e) {
        if (e instanceof PSQLException psql) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null) {
                return server.getConstraint();
            }
        }
        return null;
    }
}
