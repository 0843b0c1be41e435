package dev.gapless.springboot;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The application's DataSource with every connection Gapless borrows switched to Gapless's schema
 * ({@code gapless.schema.name}): {@link Connection#setSchema} sets pgjdbc's {@code search_path} on borrow, and
 * {@code RESET search_path} puts the connection's own back before it returns to the pool (HikariCP restores a schema
 * only when its pool names one, so the application's next borrower would otherwise get Gapless's). A connection that
 * cannot be reset is aborted, so the pool discards it. That costs a statement on borrow and one on return; a
 * DataSource of Gapless's own, with {@code currentSchema} in its URL, costs neither. Thread-safe.
 */
final class SchemaDataSource implements DataSource {

    private final DataSource delegate;
    private final String schema;

    SchemaDataSource(DataSource delegate, String schema) {
        this.delegate = delegate;
        this.schema = schema;
    }

    String schema() {
        return schema;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return inSchema(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return inSchema(delegate.getConnection(username, password));
    }

    private Connection inSchema(Connection connection) throws SQLException {
        try {
            connection.setSchema(schema);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        restoreAndClose(connection);
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void restoreAndClose(Connection connection) throws SQLException {
        if (connection.isClosed()) {
            return;
        }
        try (Statement reset = connection.createStatement()) {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // what the pool would do; a RESET in a failed transaction would fail
            }
            reset.execute("RESET search_path");
        } catch (SQLException | RuntimeException e) {
            connection.abort(Runnable::run);
        }
        connection.close();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || delegate.isWrapperFor(type);
    }
}
