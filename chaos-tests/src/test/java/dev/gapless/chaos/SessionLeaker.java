package dev.gapless.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another application on the same PgBouncer pool: every 10 ms it sends what pgjdbc's
 * {@code setTransactionIsolation(TRANSACTION_SERIALIZABLE)} sends, {@code SET SESSION CHARACTERISTICS AS TRANSACTION
 * ISOLATION LEVEL SERIALIZABLE}, outside a transaction. Behind PgBouncer in transaction mode the setting stays with
 * whichever server connection ran it, and the next client of that connection inherits it.
 */
final class SessionLeaker implements AutoCloseable {

    private final String jdbcUrl;
    private final Properties props = new Properties();
    private final AtomicInteger leaks = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    /** @param jdbcUrl the writers' database, through the same PgBouncer */
    SessionLeaker(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "gapless-chaos-neighbour");
        this.thread = new Thread(this::loop, "session-leaker");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Settings sent. */
    int leaks() {
        return leaks.get();
    }

    private void loop() {
        while (!stop) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, props); Statement s = c.createStatement()) {
                while (!stop) {
                    s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                    leaks.incrementAndGet();
                    Thread.sleep(10);
                }
            } catch (SQLException e) {
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5000);
    }
}
