package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
import dev.gapless.core.RetryPolicy;
import java.time.Duration;
import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.WriteContext;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How concurrent appends to one artifact are serialized. Pick one with {@link #named(String)} or a factory method;
 * {@link #rowLock()} is the default. Every strategy except the two baselines ({@code naive}, {@code seed-retry})
 * keeps the invariants: versions are exactly {@code 1..head}, each version is its predecessor plus its own change,
 * and an idempotency key appears at most once per artifact.
 *
 * <p>Sealed: the set of strategies is Gapless's to keep correct. Instances are thread-safe and may be shared by
 * one store's callers; use a new instance per store.
 */
public sealed interface WriteStrategy permits SingleVersionStrategy, ServerFunctionStrategy, GroupCommitStrategy {

    /**
     * The strategy's name, as accepted by {@link #named(String)} and {@code gapless race --strategy}.
     *
     * @return e.g. {@code row-lock}
     */
    String name();

    /**
     * Performs one append. Called by {@link dev.gapless.core.ArtifactStore}; not for direct use.
     *
     * @param context the store's shared write machinery
     * @param request the validated append
     * @return the result
     * @throws dev.gapless.core.GaplessException on any failure
     */
    AppendResult append(WriteContext context, AppendRequest request);

    /**
     * Baseline, the original bug: read the head without a lock, insert head+1, no retry. Concurrent appends fail
     * with {@link dev.gapless.core.WriteConflictException}. For comparison only.
     *
     * @return a new instance
     */
    static WriteStrategy naive() {
        return new NaiveStrategy(RetryPolicy.none());
    }

    /**
     * Baseline, the original fix: {@link #naive()} plus 3 retries after 100, 200 and 400 ms, no jitter, only on a
     * collision on the version constraint. Still loses appends at 16 or more concurrent writers. For comparison only.
     *
     * @return a new instance
     */
    static WriteStrategy seedRetry() {
        return new SeedRetryStrategy(RetryPolicy.builder().withJitter(RetryPolicy.Jitter.NONE)
                .withFixedDelays(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)).build());
    }

    /**
     * Retry on conflict with {@link RetryPolicy#ofDefaults()}: the unlocked read-insert, re-run whole after a
     * collision, with jittered backoff.
     *
     * @return a new instance
     */
    static WriteStrategy retry() {
        return retry(RetryPolicy.ofDefaults());
    }

    /**
     * Retry on conflict with the given policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return a new instance
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    static WriteStrategy retry(RetryPolicy policy) {
        return new RetryStrategy(policy);
    }

    /**
     * Compare-and-set on {@code head_version}, retried with {@link RetryPolicy#ofDefaults()}.
     *
     * @return a new instance
     */
    static WriteStrategy optimistic() {
        return optimistic(RetryPolicy.ofDefaults());
    }

    /**
     * Compare-and-set on {@code head_version}, retried with the given policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return a new instance
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    static WriteStrategy optimistic(RetryPolicy policy) {
        return new OptimisticStrategy(policy);
    }

    /**
     * {@code SELECT … FOR UPDATE} on the artifact row, then read, move the head and insert in the same
     * transaction. Writers to one artifact queue on the row lock; no lost appends. The default.
     *
     * @return a new instance
     */
    static WriteStrategy rowLock() {
        return new RowLockStrategy(RetryPolicy.ofDefaults());
    }

    /**
     * {@code pg_advisory_xact_lock} on a 64-bit key derived from the artifact id, then read, move the head, insert.
     *
     * @return a new instance
     */
    static WriteStrategy advisoryLock() {
        return new AdvisoryLockStrategy(RetryPolicy.ofDefaults());
    }

    /**
     * SERIALIZABLE isolation; the whole transaction retried on 40001/40P01 with {@link RetryPolicy#ofDefaults()}.
     *
     * @return a new instance
     */
    static WriteStrategy serializable() {
        return serializable(RetryPolicy.ofDefaults());
    }

    /**
     * SERIALIZABLE isolation; the whole transaction retried with the given policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return a new instance
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    static WriteStrategy serializable(RetryPolicy policy) {
        return new SerializableStrategy(policy);
    }

    /**
     * One round trip: the PL/pgSQL function {@code gapless_append} locks, reads, applies and inserts.
     *
     * @return a new instance
     */
    static WriteStrategy serverFunction() {
        return new ServerFunctionStrategy(RetryPolicy.ofDefaults());
    }

    /**
     * In-process combining of concurrent appends to one artifact: one leader writes up to 64 versions per
     * transaction under one row lock.
     *
     * @return a new instance; give each store its own
     */
    static WriteStrategy groupCommit() {
        return groupCommit(GroupCommitStrategy.DEFAULT_MAX_BATCH);
    }

    /**
     * In-process combining with a given batch limit.
     *
     * @param maxBatch the most appends one transaction writes, at least 1
     * @return a new instance; give each store its own
     * @throws IllegalArgumentException if {@code maxBatch} is less than 1
     */
    static WriteStrategy groupCommit(int maxBatch) {
        return new GroupCommitStrategy(RetryPolicy.ofDefaults(), maxBatch);
    }

    /**
     * The names of all strategies, baselines first.
     *
     * @return the names
     */
    static List<String> names() {
        return Registry.NAMES;
    }

    /**
     * A new instance of the strategy of that name (case-insensitive).
     *
     * @param name e.g. {@code row-lock}
     * @return a new instance
     * @throws IllegalArgumentException if no strategy has that name; the message lists the names
     * @throws NullPointerException     if {@code name} is {@code null}
     */
    static WriteStrategy named(String name) {
        Supplier<WriteStrategy> factory = Registry.FACTORIES.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IllegalArgumentException("unknown write strategy '" + name + "'; known: " + names());
        }
        return factory.get();
    }
}
