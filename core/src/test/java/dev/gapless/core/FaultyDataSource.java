package dev.gapless.core;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps a real data source and injects connection faults at COMMIT (or at an autocommitted statement), the moment
 * that makes an append's outcome ambiguous: the commit either lands on the server and the reply is "lost", or is
 * never sent; either way the caller sees SQLSTATE 08006. Everything else goes to the real PostgreSQL.
 */
final class FaultyDataSource implements DataSource {

    private final DataSource real;
    private final AtomicInteger commitsLandingThenLost = new AtomicInteger();
    private final AtomicInteger commitsLostBeforeSending = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    FaultyDataSource(DataSource real) {
        this.real = real;
    }

    /** The next {@code n} commits reach the server and commit, then the caller sees a broken connection. */
    FaultyDataSource loseRepliesToNextCommits(int n) {
        commitsLandingThenLost.set(n);
        return this;
    }

    /** The next {@code n} commits never reach the server (rolled back), and the caller sees a broken connection. */
    FaultyDataSource dropNextCommits(int n) {
        commitsLostBeforeSending.set(n);
        return this;
    }

    /** How many faults were injected so far. */
    int injected() {
        return injected.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(real.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(real.getConnection(user, password));
    }

    private Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("commit") && args == null) {
                if (take(commitsLandingThenLost)) {
                    connection.commit();
                    throw new SQLException("injected: connection lost after COMMIT was sent", "08006");
                }
                if (take(commitsLostBeforeSending)) {
                    connection.rollback();
                    throw new SQLException("injected: connection lost before COMMIT was sent", "08006");
                }
            }
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement statement) {
                return wrap(connection, statement, String.valueOf(args[0]));
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    /**
     * A script that ends with its own COMMIT ({@code INSERT …; COMMIT}), or any statement on an autocommit
     * connection, is a commit: the same faults apply to it.
     */
    private PreparedStatement wrap(Connection connection, PreparedStatement statement, String sql) {
        boolean commits = sql.toUpperCase(java.util.Locale.ROOT).matches("(?s)(.*;)?\\s*COMMIT\\s*;?\\s*");
        InvocationHandler handler = (proxy, method, args) -> {
            boolean executes = method.getName().startsWith("execute")
                    && (commits || connection.getAutoCommit());
            if (executes && take(commitsLostBeforeSending)) {
                throw new SQLException("injected: connection lost before the statement was sent", "08006");
            }
            Object result;
            try {
                result = method.invoke(statement, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (executes && take(commitsLandingThenLost)) {
                throw new SQLException("injected: connection lost after the statement committed", "08006");
            }
            return result;
        };
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private boolean take(AtomicInteger budget) {
        while (true) {
            int left = budget.get();
            if (left <= 0) {
                return false;
            }
            if (budget.compareAndSet(left, left - 1)) {
                injected.incrementAndGet();
                return true;
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return real.isWrapperFor(iface);
    }
}
