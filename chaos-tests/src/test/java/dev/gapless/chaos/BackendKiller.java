package dev.gapless.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault thread that every {@code period} terminates one random client backend of a database
 * ({@code pg_terminate_backend}), mid-transaction or not, never its own. Counts only terminations that hit.
 */
final class BackendKiller implements AutoCloseable {

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String database;
    private final Duration period;
    private final AtomicInteger killed = new AtomicInteger();
    private final AtomicInteger inTransaction = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    /** @param adminJdbcUrl a URL of a database on the same server (the victims' database is named apart) */
    BackendKiller(String adminJdbcUrl, String user, String password, String database, Duration period) {
        this.jdbcUrl = adminJdbcUrl;
        this.user = user;
        this.password = password;
        this.database = database;
        this.period = period;
        this.thread = new Thread(this::loop, "backend-killer");
        thread.setDaemon(true);
    }

    BackendKiller start() {
        thread.start();
        return this;
    }

    /** Terminations that hit a backend. */
    int killed() {
        return killed.get();
    }

    /** Of those, how many were inside a transaction at the time. */
    int killedInTransaction() {
        return inTransaction.get();
    }

    private void loop() {
        Connection c = null;
        while (!stop) {
            try {
                if (c == null || c.isClosed()) {
                    Properties props = new Properties();
                    props.setProperty("user", user);
                    props.setProperty("password", password);
                    props.setProperty("ApplicationName", "gapless-chaos-killer");
                    c = DriverManager.getConnection(jdbcUrl, props);
                }
                try (PreparedStatement s = c.prepareStatement("SELECT pid, state, pg_terminate_backend(pid)"
                        + " FROM (SELECT pid, state FROM pg_stat_activity WHERE datname = ?"
                        + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                        + " AND application_name <> 'gapless-chaos-killer' ORDER BY random() LIMIT 1) victim")) {
                    s.setString(1, database);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next() && r.getBoolean(3)) {
                            killed.incrementAndGet();
                            String state = r.getString(2);
                            if (state != null && state.startsWith("idle in transaction") || "active".equals(state)) {
                                inTransaction.incrementAndGet();
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException ignored) {
                    // reconnect next round
                }
                c = null;
            }
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                break;
            }
        }
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // done
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5000);
    }
}
