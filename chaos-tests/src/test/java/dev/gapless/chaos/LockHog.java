package dev.gapless.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A fault thread that repeatedly takes the row lock of every hot artifact ({@code FOR UPDATE}) and holds it longer
 * than the writers' append timeout, so their {@code lock_timeout} / {@code statement_timeout} expire; in between it
 * runs a slow statement holding the same lock, which writers queued behind it also time out on.
 */
final class LockHog implements AutoCloseable {

    private final DataSource dataSource;
    private final List<UUID> artifacts;
    private final Duration hold;
    private final Duration pause;
    private final AtomicInteger holds = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    LockHog(DataSource dataSource, List<UUID> artifacts, Duration hold, Duration pause) {
        this.dataSource = dataSource;
        this.artifacts = List.copyOf(artifacts);
        this.hold = hold;
        this.pause = pause;
        this.thread = new Thread(this::loop, "lock-hog");
        thread.setDaemon(true);
    }

    LockHog start() {
        thread.start();
        return this;
    }

    /** Times the locks were taken and held. */
    int holds() {
        return holds.get();
    }

    private void loop() {
        while (!stop) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT head_version FROM artifacts WHERE id = ANY (?) FOR UPDATE")) {
                    s.setArray(1, c.createArrayOf("uuid", artifacts.toArray()));
                    s.executeQuery().close();
                }
                holds.incrementAndGet();
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_sleep(" + hold.toMillis() / 1000.0 + ")");
                }
                c.commit();
            } catch (SQLException e) {
                // try again next round
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
