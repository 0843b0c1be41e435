package dev.gapless.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Connections bounded by a deadline: taking one from the pool, and running a transaction or autocommitted
 * statements on it. Immutable and thread-safe.
 */
final class Connections {

    /**
     * Interrupts a pool wait at the caller's deadline. Cancelled alarms leave the queue at once, so a 30 s deadline
     * does not leave a task behind per append.
     */
    static final ScheduledThreadPoolExecutor ALARMS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gapless-deadline-alarm");
        t.setDaemon(true);
        return t;
    });

    static {
        ALARMS.setRemoveOnCancelPolicy(true);
    }

    private final DataSource dataSource;
    private final TimeSource time;
    /** Whether a connection was ever had from the data source: until then, a refused connection is configuration. */
    private volatile boolean connected;

    Connections(DataSource dataSource, TimeSource time) {
        this.dataSource = dataSource;
        this.time = time;
    }

    DataSource dataSource() {
        return dataSource;
    }

    TimeSource time() {
        return time;
    }

    /** Time left until {@code deadline} (negative when passed). */
    Duration remaining(Instant deadline) {
        return time.until(deadline);
    }

    /**
     * Runs {@code body} in a transaction of {@code isolation} on a connection taken by {@code deadline}
     * ({@link Transactions#inTransaction}): the isolation, and the time left as lock and statement timeouts, go out
     * with the body's first round trip.
     *
     * @throws Expired if the deadline passed before anything was sent
     */
    <T> T inTransaction(Instant deadline, Transactions.Isolation isolation, Transactions.Body<T> body)
            throws SQLException {
        try (Connection connection = acquire(deadline)) {
            long timeoutMs = Math.max(1, remaining(deadline).toMillis());
            return Transactions.inTransaction(connection, isolation, timeoutMs, body);
        }
    }

    /** A read: any pooled connection, no deadline. */
    <T> T read(Transactions.Work<T> body) throws SQLException {
        try (Connection connection = connect()) {
            return body.run(connection);
        }
    }

    /**
     * A pooled connection, for a read, without a deadline of its own.
     *
     * @throws SqlErrors.NoConnectionException if the data source gave none
     */
    Connection connect() throws SQLException {
        try {
            Connection connection = dataSource.getConnection();
            connected = true;
            return connection;
        } catch (SQLException e) {
            throw new SqlErrors.NoConnectionException(e, !connected);
        }
    }

    /** The deadline passed before anything was sent. */
    static final class Expired extends RuntimeException {
        Expired(Throwable cause) {
            super("deadline passed before anything was sent", cause, false, false);
        }
    }

    /**
     * Takes a pooled connection, waiting no longer than {@code deadline}: the pool's own timeout may be longer, so
     * an alarm interrupts the wait at the deadline (pools such as HikariCP give up on interrupt). The alarm can
     * never fire after this method returns.
     */
    private Connection acquire(Instant deadline) throws SQLException {
        long waitMs = remaining(deadline).toMillis();
        if (waitMs <= 0) {
            throw new Expired(null);
        }
        Thread caller = Thread.currentThread();
        Object guard = new Object();
        boolean[] state = new boolean[2]; // [0] acquisition over, [1] alarm fired
        ScheduledFuture<?> alarm = ALARMS.schedule(() -> {
            synchronized (guard) {
                if (!state[0]) {
                    state[1] = true;
                    caller.interrupt();
                }
            }
        }, waitMs, TimeUnit.MILLISECONDS);
        Connection connection;
        try {
            connection = dataSource.getConnection();
            connected = true;
        } catch (SQLException e) {
            SqlErrors.NoConnectionException failure = new SqlErrors.NoConnectionException(e, !connected);
            // nothing was sent: a pool that gave up waiting is a timeout when the deadline has passed too, unless
            // it said why, and no retry can change that
            if (remaining(deadline).toMillis() <= 0
                    && SqlErrors.classify(failure).kind() != SqlErrors.Kind.CONFIGURATION) {
                throw new Expired(e);
            }
            throw failure;
        } finally {
            alarm.cancel(false);
            synchronized (guard) {
                state[0] = true;
                if (state[1]) {
                    Thread.interrupted(); // the alarm's interrupt is ours to clear
                }
            }
        }
        if (remaining(deadline).toMillis() <= 0) {
            connection.close();
            throw new Expired(null);
        }
        return connection;
    }
}
