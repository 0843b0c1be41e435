package dev.gapless.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Several statements sent as one round trip. pgjdbc sends the statements of one {@code a; b; c} text as separate
 * extended-protocol messages followed by a single Sync: each statement still runs on its own (under READ COMMITTED
 * each takes a fresh snapshot, so a read placed after a lock sees what the lock holder committed), and the first
 * failure skips the rest and aborts the transaction. Not thread-safe; one use.
 */
final class Script {

    /** Receives the rows of one statement. */
    @FunctionalInterface
    interface Rows {
        void row(ResultSet row) throws SQLException;
    }

    /** A {@code null} parameter of a given SQL type. */
    record Null(int sqlType) {
        static final Null INTEGER = new Null(Types.INTEGER);
        static final Null TEXT = new Null(Types.VARCHAR);
        static final Null BYTEA = new Null(Types.BINARY);
    }

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();
    private final List<Rows> handlers = new ArrayList<>();

    /**
     * Adds a statement.
     *
     * @param statement SQL with {@code ?} placeholders, no trailing semicolon
     * @param rows      what to do with its rows, or {@code null} when it returns none or they do not matter
     * @param values    its parameters: UUID, String, Integer, Long, Boolean, byte[], String[], byte[][] or
     *                  {@link Null}
     * @return this script
     */
    Script add(String statement, Rows rows, Object... values) {
        if (!sql.isEmpty()) {
            sql.append(";\n");
        }
        sql.append(statement);
        params.addAll(List.of(values));
        handlers.add(rows);
        return this;
    }

    /**
     * Adds every statement of {@code next} after this script's, as one script.
     *
     * @return this script
     */
    Script append(Script next) {
        if (!next.sql.isEmpty()) {
            if (!sql.isEmpty()) {
                sql.append(";\n");
            }
            sql.append(next.sql);
        }
        params.addAll(next.params);
        handlers.addAll(next.handlers);
        return this;
    }

    boolean isEmpty() {
        return handlers.isEmpty();
    }

    /** Sends every statement in one round trip and hands each statement's rows to its handler, in order. */
    void run(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                bind(statement, i + 1, params.get(i));
            }
            boolean hasRows = statement.execute();
            for (int i = 0; i < handlers.size(); i++) {
                if (i > 0) {
                    hasRows = statement.getMoreResults();
                }
                if (hasRows && handlers.get(i) != null) {
                    try (ResultSet rows = statement.getResultSet()) {
                        while (rows.next()) {
                            handlers.get(i).row(rows);
                        }
                    }
                }
            }
        }
    }

    private static void bind(PreparedStatement s, int index, Object value) throws SQLException {
        if (value instanceof Null n) {
            s.setNull(index, n.sqlType());
        } else if (value instanceof UUID || value instanceof String[] || value instanceof byte[][]) {
            s.setObject(index, value);
        } else if (value instanceof String text) {
            s.setString(index, text);
        } else if (value instanceof Integer i) {
            s.setInt(index, i);
        } else if (value instanceof Long l) {
            s.setLong(index, l);
        } else if (value instanceof Boolean b) {
            s.setBoolean(index, b);
        } else if (value instanceof byte[] bytes) {
            s.setBytes(index, bytes);
        } else if (value instanceof int[] ints) {
            s.setObject(index, ints);
        } else {
            throw new IllegalArgumentException("unsupported parameter type " + value.getClass().getName());
        }
    }
}
