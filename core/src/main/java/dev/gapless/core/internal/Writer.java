package dev.gapless.core.internal;

import dev.gapless.core.AppendListener;
import dev.gapless.core.AppendResult;
import dev.gapless.core.ConfigurationException;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.Sleeper;
import dev.gapless.core.StorageException;
import dev.gapless.core.strategy.WriteStrategy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * The write path of one store: its strategy's machinery behind one method. An append reads as a straight line:
 * {@link dev.gapless.core.ArtifactStore} validates and prepares it, this runs it through the {@link Pipeline}
 * (alone, or batched by {@link GroupCommitLanes}), the pipeline's {@link Engine} runs each attempt against
 * {@link Storage}. The strategy's {@link StrategyKind} only chooses the engine, how it locks, and what is retried
 * (its {@link StrategyKind#retryScope()}). Thread-safe.
 */
public final class Writer {

    private final Connections connections;
    private final Pipeline pipeline;
    private final Engine engine;
    private final RetryPolicy policy;
    private final SqlErrors.RetryScope scope;
    private final GroupCommitLanes lanes;

    /**
     * @param strategy   what to carry out
     * @param dataSource where to write
     * @param limits     the store's limits
     * @param time       the store's time source (deadlines, retry budgets, elapsed time)
     * @param sleeper    how to wait between attempts
     * @param listener   who hears about attempts, conflicts, retries and outcomes
     */
    public Writer(WriteStrategy strategy, DataSource dataSource, Limits limits, TimeSource time, Sleeper sleeper,
                  AppendListener listener) {
        this(strategy, dataSource, limits, time, sleeper, listener, new Merges(null));
    }

    /**
     * @param merges how a put whose base is stale is merged
     */
    public Writer(WriteStrategy strategy, DataSource dataSource, Limits limits, TimeSource time, Sleeper sleeper,
                  AppendListener listener, Merges merges) {
        this.connections = new Connections(dataSource, time);
        this.pipeline = new Pipeline(connections, limits, sleeper, listener);
        StrategySpec spec = SpecAccess.spec(strategy);
        this.policy = spec.policy();
        this.scope = spec.kind().retryScope();
        this.engine = switch (spec.kind()) {
            case NAIVE, SEED_RETRY, RETRY -> transactions(limits, TransactionEngine.Locking.NONE, false, merges);
            case OPTIMISTIC -> transactions(limits, TransactionEngine.Locking.COMPARE_AND_SET, false, merges);
            case ROW_LOCK -> transactions(limits, TransactionEngine.Locking.ROW, false, merges);
            case ADVISORY_LOCK -> transactions(limits, TransactionEngine.Locking.ADVISORY, false, merges);
            case SERIALIZABLE -> transactions(limits, TransactionEngine.Locking.NONE, true, merges);
            case SERVER_FUNCTION -> new ServerFunctionEngine(connections, limits, merges);
            case GROUP_COMMIT -> new TransactionEngine(connections, limits, TransactionEngine.Locking.SPECULATIVE,
                    false, true, merges);
        };
        this.lanes = engine.batches() ? new GroupCommitLanes(pipeline, engine, policy, scope, spec.maxBatch())
                : null;
    }

    /** An engine of one append per transaction. */
    private TransactionEngine transactions(Limits limits, TransactionEngine.Locking locking, boolean serializable,
                                           Merges merges) {
        return new TransactionEngine(connections, limits, locking, serializable, false, merges);
    }

    /**
     * Runs a read, or work that needs no deadline (get-or-create, a pruning step), on a pooled connection: with an
     * isolation, as one transaction ({@link Transactions#inTransaction}); with {@code null}, its statements
     * autocommitted each.
     *
     * @param isolation the transaction's isolation, or {@code null} for autocommitted statements
     * @param work      the work
     * @return what the work returned
     * @throws SQLException if the data source gave no connection or the work failed ({@link #readFailure} says
     *                      what to tell the caller)
     */
    public <T> T read(Transactions.Isolation isolation, Transactions.Work<T> work) throws SQLException {
        if (isolation == null) {
            return connections.read(work);
        }
        try (Connection connection = connections.connect()) {
            return Transactions.inTransaction(connection, isolation, 0, tx -> work.run(tx.connection()));
        }
    }

    /**
     * What the caller of a read is told about its failure: a {@link ConfigurationException} when no retry can fix
     * it, else a {@link StorageException} with the SQLSTATE.
     *
     * @param failure the failure
     * @return the exception to throw
     */
    public static StorageException readFailure(SQLException failure) {
        SqlErrors.Classified c = SqlErrors.classify(failure);
        if (c.kind() == SqlErrors.Kind.CONFIGURATION) {
            return Failures.configuration(failure, c.sqlState());
        }
        return new StorageException("database read failed (SQLSTATE " + failure.getSQLState() + ")",
                failure.getSQLState(), null, failure);
    }

    /**
     * Runs one append to its end.
     *
     * @param request the validated, prepared append
     * @return the result
     * @throws dev.gapless.core.GaplessException the failure, with its outcome
     */
    public AppendResult append(AppendRequest request) {
        if (lanes != null) {
            return lanes.append(request);
        }
        Member member = new Member(request, connections.time());
        pipeline.run(List.of(member), engine, policy, scope);
        return member.outcome();
    }
}
