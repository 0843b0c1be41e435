package dev.gapless.core.internal;

import dev.gapless.core.AppendResult;
import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.Snapshot;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.WriteConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import dev.gapless.core.Sleeper;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What every strategy shares: transactions with the append's deadline pushed down, the read-compute-write step
 * once the head is known, and the mapping of failures to the public exceptions. A strategy holds only its own
 * concurrency logic. Immutable and thread-safe.
 */
public final class WriteContext {

    private final DataSource dataSource;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param dataSource where to write
     * @param clock      the clock deadlines are measured on
     * @param sleeper    how to wait between attempts
     */
    public WriteContext(DataSource dataSource, Clock clock, Sleeper sleeper) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** How a strategy finds (and possibly locks) the head inside its transaction. */
    @FunctionalInterface
    public interface HeadReader {
        /** @return the head version, or {@code null} when the artifact does not exist */
        Integer read(Connection connection, AppendRequest request) throws SQLException;
    }

    /** A unit of work inside one transaction. */
    @FunctionalInterface
    public interface TransactionBody<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * One attempt: a transaction that reads the head with {@code headReader}, then reads, computes and writes the
     * next version.
     *
     * @throws SQLException            on a database failure (the transaction was rolled back)
     * @throws GaplessException        on a failure the strategy must not retry
     */
    public AppendResult attempt(AppendRequest request, int attempt, HeadReader headReader) throws SQLException {
        return inTransaction(request, connection -> {
            Integer head = headReader.read(connection, request);
            if (head == null) {
                throw new ArtifactNotFoundException(request.artifactId());
            }
            return writeNext(connection, request, head, attempt);
        });
    }

    /**
     * Runs {@code body} in a transaction whose {@code lock_timeout} and {@code statement_timeout} are the time left
     * until the request's deadline; commits, or rolls back on any failure.
     */
    public <T> T inTransaction(AppendRequest request, TransactionBody<T> body) throws SQLException {
        long remainingMs = remaining(request).toMillis();
        if (remainingMs <= 0) {
            throw new AppendTimeoutException(request.timeout(), null, null);
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
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
                restoreAutoCommit(connection);
            }
        }
    }

    /**
     * The read-compute-write of one version once {@code head} is known (and, for lock-based strategies, locked):
     * return the earlier version if the key was applied, check the expected version, apply the change to the
     * head's content, insert {@code head + 1}, bump the head.
     */
    public AppendResult writeNext(Connection connection, AppendRequest request, int head, int attempt)
            throws SQLException {
        Tables.Prior prior = Tables.readPrior(connection, request.artifactId(), head, request.idempotencyKey());
        if (prior.keyVersion() != null) {
            return result(request, prior.keyVersion(), prior.keySummary(), attempt, true);
        }
        if (request.expectedVersion() != null && request.expectedVersion() != head) {
            throw new VersionConflictException(request.artifactId(), request.expectedVersion(), head);
        }
        Snapshot next = request.change().apply(prior.content());
        String summary = request.change().summary(prior.content());
        Tables.insertVersion(connection, request.artifactId(), head + 1, JsonCodec.snapshotToJson(next),
                JsonCodec.changeToJson(request.change()), summary, request.idempotencyKey());
        Tables.setHead(connection, request.artifactId(), head + 1);
        return result(request, head + 1, summary, attempt, false);
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
            case FOREIGN_KEY:
                return new ArtifactNotFoundException(request.artifactId());
            case CONNECTION:
                return new StorageException("connection to the database failed during an append to artifact "
                        + request.artifactId() + "; whether it committed is unknown (SQLSTATE " + c.sqlState() + ")",
                        c.sqlState(), c.constraint(), failure);
            default:
                return new StorageException("append to artifact " + request.artifactId() + " failed (SQLSTATE "
                        + c.sqlState() + ")", c.sqlState(), c.constraint(), failure);
        }
    }

    /** Time left until the request's deadline (negative when passed). */
    public Duration remaining(AppendRequest request) {
        return Duration.between(clock.instant(), request.deadline());
    }

    /**
     * Sleeps for {@code delay}, but never past the deadline.
     *
     * @return {@code false} when the deadline leaves no time for the delay and another attempt
     */
    public boolean sleepBefore(AppendRequest request, Duration delay) {
        if (remaining(request).compareTo(delay) <= 0) {
            return false;
        }
        try {
            sleeper.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AppendTimeoutException(request.timeout(), null, e);
        }
    }

    private static AppendResult result(AppendRequest request, int version, String summary, int attempt,
                                       boolean deduplicated) {
        return new AppendResult(request.artifactId(), version, summary, attempt,
                Duration.ofNanos(System.nanoTime() - request.startNanos()), deduplicated);
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // a broken connection; the pool discards it
        }
    }
}
