package dev.gapless.core.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one owner of a transaction's begin, commit and rollback, as jdbi's {@code Handle#inTransaction}: every
 * transaction of core (appends, reads of one snapshot, get-or-create, schema migrations, pruning) runs through
 * {@link #inTransaction}. A body never commits by hand: it either returns (the owner commits), sends its last
 * script with {@link Tx#commitWith} (the script carries the COMMIT, so a write stays one round trip, and the owner
 * sends none after it), or undoes everything with {@link Tx#rollback}. Stateless and thread-safe; a {@link Tx} is
 * confined to the thread that runs the body.
 */
public final class Transactions {

    private Transactions() {
    }

    /**
     * The isolation a transaction sets as its first statement, inside the transaction: a session default left by
     * another client of a pooled connection does not apply.
     */
    public enum Isolation {
        /** No statement: the session's default (schema migrations, which take an advisory lock instead). */
        SESSION_DEFAULT(null),
        /** READ COMMITTED, READ WRITE (a pooled connection may carry another client's READ ONLY default). */
        READ_COMMITTED("READ COMMITTED, READ WRITE"),
        /** SERIALIZABLE, READ WRITE. */
        SERIALIZABLE("SERIALIZABLE, READ WRITE"),
        /**
         * REPEATABLE READ, READ WRITE: a server-function append that merges reads the head, the file rows and their
         * history in one snapshot, and its lock fails with 40001 (retried) if any append committed since.
         */
        REPEATABLE_READ_WRITE("REPEATABLE READ, READ WRITE"),
        /** REPEATABLE READ: the statements of a pruning step see one snapshot. */
        REPEATABLE_READ("REPEATABLE READ"),
        /** REPEATABLE READ READ ONLY: a read whose statements see one state of an artifact. */
        SNAPSHOT_READ("REPEATABLE READ READ ONLY");

        private final String level;

        Isolation(String level) {
            this.level = level;
        }
    }

    /** Statements on a connection: autocommitted, or the body of a transaction ({@link Tx#connection()}). */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param connection the connection (never commit, roll back or change autocommit on it)
         * @return the work's result
         * @throws SQLException if a statement fails
         */
        T run(Connection connection) throws SQLException;
    }

    /** A unit of work in a transaction. */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * @param tx the transaction
         * @return the body's result
         * @throws SQLException if a statement fails (the owner rolls back)
         */
        T run(Tx tx) throws SQLException;
    }

    /**
     * Runs {@code body} in a transaction on {@code connection} (autocommit off, restored after) and commits, or
     * rolls back on any failure. The isolation and, when {@code timeoutMs > 0}, the lock and statement timeouts are
     * sent with the body's first round trip.
     *
     * @param connection the connection, not in a transaction
     * @param isolation  the isolation the transaction sets
     * @param timeoutMs  the transaction's lock and statement timeout in milliseconds, or 0 for none
     * @param body       the work
     * @return what the body returned
     * @throws SQLException if the body, the commit or the rollback fails (a failed rollback is suppressed into the
     *                      body's failure)
     */
    public static <T> T inTransaction(Connection connection, Isolation isolation, long timeoutMs, Body<T> body)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        Tx tx = new Tx(connection, settings(isolation, timeoutMs), timeoutMs);
        try {
            T result = body.run(tx);
            if (!tx.ended) {
                connection.commit();
            }
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // a broken connection; the pool discards it
            }
        }
    }

    private static Script settings(Isolation isolation, long timeoutMs) {
        Script s = new Script();
        if (isolation.level != null) {
            s.add("SET TRANSACTION ISOLATION LEVEL " + isolation.level, null);
        }
        if (timeoutMs > 0) {
            String ms = Long.toString(timeoutMs);
            s.add("SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)", null, ms,
                    ms);
        }
        return s.isEmpty() ? null : s;
    }

    /** A transaction in progress: sends scripts, and ends once. Not thread-safe. */
    public static final class Tx {

        private final Connection connection;
        private final long timeoutMs;
        /** The transaction's settings, until they are sent in front of its first round trip. */
        private Script pending;
        private boolean ended;

        private Tx(Connection connection, Script pending, long timeoutMs) {
            this.connection = connection;
            this.pending = pending;
            this.timeoutMs = timeoutMs;
        }

        /** @return the lock and statement timeout the transaction set, in milliseconds (0: none) */
        long timeoutMs() {
            return timeoutMs;
        }

        /**
         * The connection, for statements of the body's own; the transaction's settings are sent first if no script
         * carried them yet.
         *
         * @return the connection (never commit, roll back or change autocommit on it)
         * @throws SQLException if sending the settings fails
         */
        public Connection connection() throws SQLException {
            if (pending != null) {
                Script settings = pending;
                pending = null;
                settings.run(connection);
            }
            return connection;
        }

        /** Sends {@code script} in one round trip, behind the transaction's settings if they are not sent yet. */
        void run(Script script) throws SQLException {
            if (ended) {
                throw new IllegalStateException("the transaction has ended");
            }
            if (pending != null) {
                Script first = pending;
                pending = null;
                script = first.append(script);
            }
            script.run(connection);
        }

        /**
         * Sends {@code script} followed by COMMIT, in one round trip: the transaction ends with it, and the owner
         * sends no COMMIT of its own.
         */
        void commitWith(Script script) throws SQLException {
            script.add("COMMIT", null);
            run(script);
            ended = true;
        }

        /** Undoes everything the transaction did, at once (nothing to write); the owner commits nothing after it. */
        void rollback() throws SQLException {
            ended = true;
            connection.rollback();
        }
    }
}
