package dev.gapless.core.internal;

import dev.gapless.core.AppendListener;
import dev.gapless.core.AppendResult;
import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.Sleeper;
import dev.gapless.core.Snapshot;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.WriteConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every strategy shares: the retry loop (classification, backoff, deadline, events), transactions with the
 * append's deadline pushed down, the read-compute-write step once the head is known, and the mapping of failures
 * to the public exceptions. A strategy holds only its own concurrency logic. Immutable and thread-safe.
 */
public final class WriteContext {

    private static final Logger LOG = LoggerFactory.getLogger(WriteContext.class);
    private static final ScheduledExecutorService ALARMS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gapless-deadline-alarm");
        t.setDaemon(true);
        return t;
    });

    private final DataSource dataSource;
    private final Clock clock;
    private final Sleeper sleeper;
    private final AppendListener listener;

    /**
     * @param dataSource where to write
     * @param clock      the clock deadlines are measured on
     * @param sleeper    how to wait between attempts
     * @param listener   who hears about attempts, conflicts, retries and outcomes
     */
    public WriteContext(DataSource dataSource, Clock clock, Sleeper sleeper, AppendListener listener) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.sleeper = sleeper;
        this.listener = listener;
    }

    /** Which failures a strategy's retry loop may retry. */
    public enum RetryScope {
        /** Only a collision on the version constraint: what the original fix retried. */
        VERSION_CONFLICTS,
        /**
         * Collisions, serialization failures and deadlocks; and broken connections when an idempotency key makes
         * a retry safe (a retry then finds the earlier attempt's version if its COMMIT did land).
         */
        SAFE_FAILURES
    }

    /** One attempt of an append. */
    @FunctionalInterface
    public interface Attempt {
        /**
         * @param attempt the attempt number, from 1
         * @return the result
         * @throws SQLException on a database failure (the transaction was rolled back)
         */
        AppendResult run(int attempt) throws SQLException;
    }

    /** How a strategy finds (and possibly locks) the head inside its transaction. */
    @FunctionalInterface
    public interface HeadReader {
        /** @return the head version, or {@code null} when the artifact does not exist */
        Integer read(Connection connection, AppendRequest request) throws SQLException;
    }

    /** How the head is moved once the next version is computed. */
    public enum HeadUpdate {
        /**
         * Set the head, then insert. Setting the head takes the artifact row lock before the version index is
         * touched, so every writer takes the two in the same order and none can deadlock with a row-lock holder.
         * Without a lock held beforehand the value may be stale; the insert then collides and rolls it back.
         */
        SET,
        /** Compare-and-set the head first ({@code WHERE head_version = n}); lose with {@link SqlErrors#CAS_LOST}. */
        COMPARE_AND_SET,
        /**
         * The head reader already moved it ({@link Tables#lockAndMoveHead}); an append that writes nothing (a
         * duplicate key) rolls the move back.
         */
        ALREADY_MOVED
    }

    /** A unit of work inside one transaction. */
    @FunctionalInterface
    public interface TransactionBody<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs attempts until one succeeds, a failure is not retryable under {@code scope}, or the policy's budgets or
     * the request's deadline run out. Publishes every step to the listener.
     *
     * @throws GaplessException the failure, or {@link RetriesExhaustedException} carrying the earlier ones
     */
    public AppendResult execute(AppendRequest request, RetryPolicy policy, RetryScope scope, Attempt attempt) {
        List<GaplessException> earlier = new ArrayList<>();
        Duration previousDelay = Duration.ZERO;
        long firstAttempt = System.nanoTime();
        for (int i = 1; ; i++) {
            final int n = i;
            notify(l -> l.onAttempt(request.artifactId(), n));
            GaplessException failure;
            boolean retryable;
            try {
                AppendResult result = attempt.run(n);
                notify(l -> l.onSuccess(result));
                return result;
            } catch (SQLException e) {
                Optional<AppendResult> applied = alreadyApplied(e, request, n);
                if (applied.isPresent()) {
                    notify(l -> l.onSuccess(applied.get()));
                    return applied.get();
                }
                SqlErrors.Classified c = SqlErrors.classify(e);
                if (c.isConflict()) {
                    notify(l -> l.onConflict(request.artifactId(), n, c.sqlState(), c.constraint()));
                }
                failure = translate(e, request);
                retryable = scope == RetryScope.VERSION_CONFLICTS
                        ? c.kind() == SqlErrors.Kind.VERSION_CONFLICT
                        : c.isRetryable(request.idempotencyKey() != null);
            } catch (GaplessException e) {
                failure = e;
                retryable = false;
            }
            if (retryable && budgetLeft(policy, n, firstAttempt)) {
                Duration delay = policy.delay(n, previousDelay);
                previousDelay = delay;
                if (remaining(request).compareTo(delay) > 0) {
                    GaplessException cause = failure;
                    notify(l -> l.onRetryScheduled(request.artifactId(), n, delay, cause));
                    earlier.add(failure);
                    sleep(request, delay);
                    continue;
                }
                // the deadline, not the retry budget, ended it: the caller gets the timeout, earlier failures inside
                failure = new AppendTimeoutException(request.timeout(), null, failure);
                retryable = false;
            }
            GaplessException thrown = unsettled(request, earlier, giveUp(failure, earlier, n, retryable));
            notify(l -> l.onGiveUp(request.artifactId(), n, thrown));
            throw thrown;
        }
    }

    /**
     * Whether the policy allows another attempt after {@code attempts}, the first of which started at
     * {@code firstNanos} ({@link System#nanoTime()}).
     */
    public static boolean budgetLeft(RetryPolicy policy, int attempts, long firstNanos) {
        return attempts < policy.maxAttempts()
                && Duration.ofNanos(System.nanoTime() - firstNanos).compareTo(policy.maxDuration()) < 0;
    }

    /**
     * The exception for a give-up after an attempt lost its connection: if any attempt may have committed unseen,
     * "nothing was written" would be a lie, so the caller gets {@link ConnectionLostException} (outcome unknown),
     * with the final failure as its cause.
     */
    public static GaplessException unsettled(AppendRequest request, List<GaplessException> earlier,
                                             GaplessException thrown) {
        if (thrown instanceof ConnectionLostException) {
            return thrown;
        }
        for (GaplessException e : earlier) {
            if (e instanceof ConnectionLostException lost) {
                ConnectionLostException unknown = new ConnectionLostException("an attempt of the append to artifact "
                        + request.artifactId() + " lost its connection and the retries with its idempotency key"
                        + " ended (" + thrown.getMessage() + ") before they could tell whether it had committed:"
                        + " its outcome is unknown; retry with the same key", lost.sqlState().orElse(null), thrown);
                return unknown;
            }
        }
        return thrown;
    }

    private static GaplessException giveUp(GaplessException last, List<GaplessException> earlier, int attempts,
                                           boolean retryable) {
        if (earlier.isEmpty() || !retryable) {
            earlier.forEach(last::addSuppressed);
            return last;
        }
        RetriesExhaustedException exhausted = new RetriesExhaustedException(attempts, last);
        earlier.forEach(exhausted::addSuppressed);
        return exhausted;
    }

    /**
     * One attempt: a transaction that reads the head with {@code headReader}, then reads, computes and writes the
     * next version. With an expected version, an unlocked read of the head first fails at once when the head has
     * already moved, rather than queueing for a lock only to fail after it.
     *
     * @param serializable run at SERIALIZABLE isolation instead of READ COMMITTED
     * @throws SQLException     on a database failure (the transaction was rolled back)
     * @throws GaplessException on a failure no strategy retries
     */
    public AppendResult attempt(AppendRequest request, int attempt, HeadReader headReader, HeadUpdate update,
                                boolean serializable) throws SQLException {
        return inTransaction(request, serializable, connection -> {
            if (request.expectedVersion() != null) {
                Integer head = Tables.readHead(connection, request.artifactId());
                if (head != null && head.intValue() != request.expectedVersion() && request.idempotencyKey() != null) {
                    // a replay of an append that landed moved the head itself: that is a duplicate, not a conflict
                    Optional<Tables.Prior> applied = Tables.findByKey(connection, request.artifactId(),
                            request.idempotencyKey());
                    if (applied.isPresent()) {
                        return result(request, applied.get().keyVersion(), applied.get().keySummary(), attempt, true);
                    }
                }
                requireExpected(request, head);
            }
            Integer head = headReader.read(connection, request);
            if (head == null) {
                throw new ArtifactNotFoundException(request.artifactId());
            }
            return writeNext(connection, request, head, attempt, update);
        });
    }

    /**
     * Runs {@code body} in a transaction whose {@code lock_timeout} and {@code statement_timeout} are the time left
     * until the request's deadline; commits, or rolls back on any failure.
     *
     * @param serializable run at SERIALIZABLE isolation instead of READ COMMITTED
     */
    public <T> T inTransaction(AppendRequest request, boolean serializable, TransactionBody<T> body)
            throws SQLException {
        requireTimeLeft(request, null);
        Connection connection = acquire(request);
        try (connection) {
            requireTimeLeft(request, null);
            connection.setAutoCommit(false);
            if (serializable) {
                connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            }
            try {
                try (PreparedStatement limits = connection.prepareStatement(
                        "SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)")) {
                    String ms = Long.toString(Math.max(1, remaining(request).toMillis()));
                    limits.setString(1, ms);
                    limits.setString(2, ms);
                    limits.execute();
                }
                T result = body.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                restore(connection, serializable);
            }
        }
    }

    /**
     * Runs {@code body} as autocommitted statements: each commits on its own, so a single statement is a single
     * round trip. The body bounds its own waits (the remaining time is passed in).
     */
    public <T> T autocommitted(AppendRequest request, AutocommitBody<T> body) throws SQLException {
        requireTimeLeft(request, null);
        try (Connection connection = acquire(request)) {
            requireTimeLeft(request, null);
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            return body.run(connection, Math.max(1, remaining(request).toMillis()));
        }
    }

    /** A unit of work on an autocommit connection, given the milliseconds left until the deadline. */
    @FunctionalInterface
    public interface AutocommitBody<T> {
        T run(Connection connection, long remainingMs) throws SQLException;
    }

    /**
     * Takes a pooled connection, waiting no longer than the request's deadline: the pool's own timeout may be
     * longer, so an alarm interrupts the wait at the deadline (pools such as HikariCP give up on interrupt). The
     * alarm can never fire after this method returns.
     */
    private Connection acquire(AppendRequest request) throws SQLException {
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
        }, Math.max(1, remaining(request).toMillis()), TimeUnit.MILLISECONDS);
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            // nothing was sent: a pool that gave up waiting is a timeout when our own deadline has passed too
            requireTimeLeft(request, e);
            throw new SqlErrors.NoConnectionException(e);
        } finally {
            alarm.cancel(false);
            synchronized (guard) {
                state[0] = true;
                if (state[1]) {
                    Thread.interrupted(); // the alarm's interrupt is ours to clear
                }
            }
        }
    }

    /**
     * The read-compute-write of one version once {@code head} is known (and, for lock-based strategies, locked):
     * return the earlier version if the key was applied, check the expected version, apply the change to the
     * head's content, move the head, insert {@code head + 1} and commit (one round trip for the last two).
     */
    public AppendResult writeNext(Connection connection, AppendRequest request, int head, int attempt,
                                  HeadUpdate update) throws SQLException {
        Tables.Prior prior = Tables.readPrior(connection, request.artifactId(), head, request.idempotencyKey());
        if (prior.keyVersion() != null) {
            if (update == HeadUpdate.ALREADY_MOVED) {
                connection.rollback(); // undo the head move; the commit that follows has nothing to do
            }
            return result(request, prior.keyVersion(), prior.keySummary(), attempt, true);
        }
        requireExpected(request, head);
        Snapshot next = request.change().apply(prior.content());
        String summary = request.change().summary(prior.content());
        if (update == HeadUpdate.SET) {
            Tables.setHead(connection, request.artifactId(), head + 1);
        } else if (update == HeadUpdate.COMPARE_AND_SET
                && !Tables.compareAndSetHead(connection, request.artifactId(), head, head + 1)) {
            throw new SQLException("head of artifact " + request.artifactId() + " moved past " + head,
                    SqlErrors.CAS_LOST);
        }
        Tables.insertVersionAndCommit(connection, request.artifactId(), head + 1, JsonCodec.snapshotToJson(next),
                JsonCodec.changeToJson(request.change()), summary, request.idempotencyKey());
        return result(request, head + 1, summary, attempt, false);
    }

    private static void requireExpected(AppendRequest request, Integer head) {
        if (head == null) {
            throw new ArtifactNotFoundException(request.artifactId());
        }
        if (request.expectedVersion() != null && request.expectedVersion() != head.intValue()) {
            throw new VersionConflictException(request.artifactId(), request.expectedVersion(), head);
        }
    }

    /**
     * When {@code failure} says the idempotency key was already used (a concurrent duplicate won), returns the
     * version that duplicate wrote.
     */
    public Optional<AppendResult> alreadyApplied(SQLException failure, AppendRequest request, int attempt) {
        if (request.idempotencyKey() == null
                || SqlErrors.classify(failure).kind() != SqlErrors.Kind.ALREADY_APPLIED) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection()) {
            return Tables.findByKey(connection, request.artifactId(), request.idempotencyKey())
                    .map(p -> result(request, p.keyVersion(), p.keySummary(), attempt, true));
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return Optional.empty();
        }
    }

    /** Maps a database failure to the public exception for it. */
    public GaplessException translate(SQLException failure, AppendRequest request) {
        SqlErrors.Classified c = SqlErrors.classify(failure);
        switch (c.kind()) {
            case VERSION_CONFLICT:
            case SERIALIZATION_FAILURE:
            case DEADLOCK:
                return new WriteConflictException("another writer took the next version of artifact "
                        + request.artifactId() + " (SQLSTATE " + c.sqlState()
                        + (c.constraint() == null ? "" : ", constraint " + c.constraint()) + ")",
                        c.sqlState(), c.constraint(), failure);
            case LOCK_TIMEOUT:
            case STATEMENT_TIMEOUT:
                return new AppendTimeoutException(request.timeout(), c.sqlState(), failure);
            case NO_SUCH_ARTIFACT:
                return new ArtifactNotFoundException(request.artifactId());
            case NO_SUCH_FILE:
                return new InvalidChangeException(InvalidChangeException.Reason.NO_SUCH_FILE,
                        SqlErrors.serverMessage(failure));
            case EXPECTED_VERSION:
                return new VersionConflictException(request.artifactId(), request.expectedVersion(),
                        Integer.parseInt(SqlErrors.detail(failure)));
            case CONNECTION:
                return new ConnectionLostException("connection to the database failed during an append to artifact "
                        + request.artifactId() + "; " + (request.idempotencyKey() == null
                        ? "with no idempotency key it was not retried, and if" : "if") + " COMMIT was in flight"
                        + " whether it landed is unknown (SQLSTATE " + c.sqlState() + ")", c.sqlState(), failure);
            case NO_CONNECTION:
                return new StorageException("no database connection could be obtained for an append to artifact "
                        + request.artifactId() + " (pool exhausted or database unreachable); nothing was sent",
                        c.sqlState(), null, failure);
            default:
                return new StorageException("append to artifact " + request.artifactId() + " failed (SQLSTATE "
                        + c.sqlState() + ")", c.sqlState(), c.constraint(), failure);
        }
    }

    /** Time left until the request's deadline (negative when passed). */
    public Duration remaining(AppendRequest request) {
        return Duration.between(clock.instant(), request.deadline());
    }

    /** Tells the listener, never letting its failure reach the append. */
    public void notify(java.util.function.Consumer<AppendListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("append listener failed; ignored", e);
        }
    }

    /** Builds a result whose elapsed time runs from the request's start. */
    public static AppendResult result(AppendRequest request, int version, String summary, int attempt,
                                      boolean deduplicated) {
        return new AppendResult(request.artifactId(), version, summary, attempt,
                Duration.ofNanos(System.nanoTime() - request.startNanos()), deduplicated);
    }

    private void requireTimeLeft(AppendRequest request, Throwable cause) {
        if (remaining(request).toMillis() <= 0) {
            throw new AppendTimeoutException(request.timeout(), null, cause);
        }
    }

    /** Waits {@code delay} with the store's sleeper; an interrupt ends the append with a timeout. */
    public void sleep(AppendRequest request, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AppendTimeoutException(request.timeout(), null, e);
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void restore(Connection connection, boolean serializable) {
        try {
            if (serializable) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // a broken connection; the pool discards it
        }
    }
}
