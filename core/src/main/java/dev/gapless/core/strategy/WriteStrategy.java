package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How concurrent appends to one artifact are serialized: a name, and the options that strategy takes. Pick one with
 * a factory method or {@link #named(String)}; {@link #rowLock()} is the default. Every strategy except the two
 * baselines ({@code naive}, {@code seed-retry}) keeps the invariants: versions are exactly {@code 1..head}, each
 * version is its predecessor plus its own change, and an idempotency key appears at most once per artifact.
 *
 * <p>A strategy is only a specification: the machinery that carries it out belongs to the
 * {@link dev.gapless.core.ArtifactStore} built with it. Immutable and thread-safe; one instance may configure any
 * number of stores.
 *
 * <table>
 *   <caption>The strategies</caption>
 *   <tr><th>name</th><th>how writers are serialized</th><th>retry policy</th></tr>
 *   <tr><td>{@code naive}</td><td>baseline, the original bug: unlocked read, insert head+1</td><td>none</td></tr>
 *   <tr><td>{@code seed-retry}</td><td>baseline, the original fix: naive plus 3 retries after 100/200/400 ms</td>
 *       <td>fixed</td></tr>
 *   <tr><td>{@code retry}</td><td>unlocked read; a collision rolls back and retries</td><td>yes</td></tr>
 *   <tr><td>{@code optimistic}</td><td>unlocked read; compare-and-set on the head</td><td>yes</td></tr>
 *   <tr><td>{@code row-lock}</td><td>the artifact's row lock, taken by moving the head</td><td>yes</td></tr>
 *   <tr><td>{@code advisory-lock}</td><td>{@code pg_advisory_xact_lock} on the artifact</td><td>yes</td></tr>
 *   <tr><td>{@code serializable}</td><td>SERIALIZABLE isolation; 40001 retried</td><td>yes</td></tr>
 *   <tr><td>{@code server-function}</td><td>one PL/pgSQL call per append, under the row lock</td><td>yes</td></tr>
 *   <tr><td>{@code group-commit}</td><td>in-process combining: k appends per transaction, one row lock</td>
 *       <td>yes</td></tr>
 * </table>
 * Where a strategy takes a policy, it retries only what is safe to retry: collisions, serialization failures,
 * deadlocks, an unavailable pool, and a lost connection when the append carries an idempotency key.
 */
public final class WriteStrategy {

    private static final String NAIVE = "naive";
    private static final String SEED_RETRY = "seed-retry";
    private static final String RETRY = "retry";
    private static final String OPTIMISTIC = "optimistic";
    private static final String ROW_LOCK = "row-lock";
    private static final String ADVISORY_LOCK = "advisory-lock";
    private static final String SERIALIZABLE = "serializable";
    private static final String SERVER_FUNCTION = "server-function";
    private static final String GROUP_COMMIT = "group-commit";

    /** The most appends one group-commit transaction writes, by default. */
    public static final int DEFAULT_MAX_BATCH = 64;

    private static final Map<String, Supplier<WriteStrategy>> FACTORIES;
    private static final List<String> NAMES;

    static {
        Map<String, Supplier<WriteStrategy>> factories = new LinkedHashMap<>();
        factories.put(NAIVE, WriteStrategy::naive);
        factories.put(SEED_RETRY, WriteStrategy::seedRetry);
        factories.put(RETRY, WriteStrategy::retry);
        factories.put(OPTIMISTIC, WriteStrategy::optimistic);
        factories.put(ROW_LOCK, WriteStrategy::rowLock);
        factories.put(ADVISORY_LOCK, WriteStrategy::advisoryLock);
        factories.put(SERIALIZABLE, WriteStrategy::serializable);
        factories.put(SERVER_FUNCTION, WriteStrategy::serverFunction);
        factories.put(GROUP_COMMIT, WriteStrategy::groupCommit);
        FACTORIES = Map.copyOf(factories);
        NAMES = List.copyOf(factories.keySet());
    }

    private final String name;
    private final RetryPolicy policy;
    private final int maxBatch;

    private WriteStrategy(String name, RetryPolicy policy, int maxBatch) {
        this.name = name;
        this.policy = Objects.requireNonNull(policy, "policy");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
        this.maxBatch = maxBatch;
    }

    /**
     * Baseline, the original bug: read the head without a lock, insert head+1, no retry. Concurrent appends fail
     * with {@link dev.gapless.core.WriteConflictException}. For comparison only.
     *
     * @return the strategy
     */
    public static WriteStrategy naive() {
        return new WriteStrategy(NAIVE, RetryPolicy.none(), 1);
    }

    /**
     * Baseline, the original fix: {@link #naive()} plus 3 retries after 100, 200 and 400 ms, no jitter, only on a
     * collision on the version constraint. Still loses appends at 16 or more concurrent writers. For comparison only.
     *
     * @return the strategy
     */
    public static WriteStrategy seedRetry() {
        return new WriteStrategy(SEED_RETRY, RetryPolicy.builder().withJitter(RetryPolicy.Jitter.NONE)
                .withFixedDelays(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)).build(), 1);
    }

    /**
     * Retry on conflict with {@link RetryPolicy#ofDefaults()}: the unlocked read-insert, re-run whole after a
     * collision, with jittered backoff.
     *
     * @return the strategy
     */
    public static WriteStrategy retry() {
        return retry(RetryPolicy.ofDefaults());
    }

    /**
     * Retry on conflict with the given policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return the strategy
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public static WriteStrategy retry(RetryPolicy policy) {
        return new WriteStrategy(RETRY, policy, 1);
    }

    /**
     * Compare-and-set on {@code head_version}, retried with {@link RetryPolicy#ofDefaults()}.
     *
     * @return the strategy
     */
    public static WriteStrategy optimistic() {
        return optimistic(RetryPolicy.ofDefaults());
    }

    /**
     * Compare-and-set on {@code head_version}, retried with the given policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return the strategy
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public static WriteStrategy optimistic(RetryPolicy policy) {
        return new WriteStrategy(OPTIMISTIC, policy, 1);
    }

    /**
     * The artifact's row lock, taken by moving the head ({@code UPDATE … RETURNING}); then the touched files are
     * read, the version computed and written in the same transaction. Writers to one artifact queue on the row
     * lock and never collide; {@link RetryPolicy#ofDefaults()} covers a collision with a writer that does not take
     * the lock, and a broken connection when a key makes a retry safe. The default.
     *
     * @return the strategy
     */
    public static WriteStrategy rowLock() {
        return rowLock(RetryPolicy.ofDefaults());
    }

    /**
     * {@link #rowLock()} with the given retry policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return the strategy
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public static WriteStrategy rowLock(RetryPolicy policy) {
        return new WriteStrategy(ROW_LOCK, policy, 1);
    }

    /**
     * {@code pg_advisory_xact_lock} on a 64-bit key derived from the artifact id, then as {@link #rowLock()}.
     *
     * @return the strategy
     */
    public static WriteStrategy advisoryLock() {
        return advisoryLock(RetryPolicy.ofDefaults());
    }

    /**
     * {@link #advisoryLock()} with the given retry policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return the strategy
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public static WriteStrategy advisoryLock(RetryPolicy policy) {
        return new WriteStrategy(ADVISORY_LOCK, policy, 1);
    }

    /**
     * SERIALIZABLE isolation; the whole transaction retried on 40001/40P01 with {@link RetryPolicy#ofDefaults()}.
     *
     * @return the strategy
     */
    public static WriteStrategy serializable() {
        return serializable(RetryPolicy.ofDefaults());
    }

    /**
     * SERIALIZABLE isolation; the whole transaction retried with the given policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return the strategy
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public static WriteStrategy serializable(RetryPolicy policy) {
        return new WriteStrategy(SERIALIZABLE, policy, 1);
    }

    /**
     * One round trip per append: the PL/pgSQL function {@code gapless_try_append} (around {@code gapless_append})
     * stores the contents, takes the row lock, applies the change and inserts the version (or records a keyed
     * append's rejection under its key), in one round trip.
     *
     * @return the strategy
     */
    public static WriteStrategy serverFunction() {
        return serverFunction(RetryPolicy.ofDefaults());
    }

    /**
     * {@link #serverFunction()} with the given retry policy.
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return the strategy
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public static WriteStrategy serverFunction(RetryPolicy policy) {
        return new WriteStrategy(SERVER_FUNCTION, policy, 1);
    }

    /**
     * In-process combining of concurrent appends to one artifact: one leader writes up to
     * {@value #DEFAULT_MAX_BATCH} versions per transaction under one row lock.
     *
     * @return the strategy
     */
    public static WriteStrategy groupCommit() {
        return groupCommit(DEFAULT_MAX_BATCH);
    }

    /**
     * In-process combining with a given batch limit.
     *
     * @param maxBatch the most appends one transaction writes, at least 1
     * @return the strategy
     * @throws IllegalArgumentException if {@code maxBatch} is less than 1
     */
    public static WriteStrategy groupCommit(int maxBatch) {
        return groupCommit(maxBatch, RetryPolicy.ofDefaults());
    }

    /**
     * In-process combining with a given batch limit and retry policy.
     *
     * @param maxBatch the most appends one transaction writes, at least 1
     * @param policy   attempts, time budget, backoff and jitter for a batch's transaction
     * @return the strategy
     * @throws IllegalArgumentException if {@code maxBatch} is less than 1
     * @throws NullPointerException     if {@code policy} is {@code null}
     */
    public static WriteStrategy groupCommit(int maxBatch, RetryPolicy policy) {
        return new WriteStrategy(GROUP_COMMIT, policy, maxBatch);
    }

    /**
     * The names of all strategies, baselines first.
     *
     * @return the names
     */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The strategy of that name (case-insensitive), with its default options.
     *
     * @param name e.g. {@code row-lock}
     * @return the strategy
     * @throws IllegalArgumentException if no strategy has that name; the message lists the names
     * @throws NullPointerException     if {@code name} is {@code null}
     */
    public static WriteStrategy named(String name) {
        Supplier<WriteStrategy> factory = FACTORIES.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IllegalArgumentException("unknown write strategy '" + name + "'; known: " + names());
        }
        return factory.get();
    }

    /**
     * The strategy's name, as accepted by {@link #named(String)} and {@code gapless race --strategy}.
     *
     * @return e.g. {@code row-lock}
     */
    public String name() {
        return name;
    }

    /**
     * The retry policy; {@link RetryPolicy#none()} for {@code naive}, the fixed 100/200/400 ms for
     * {@code seed-retry}.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return policy;
    }

    /**
     * This strategy with another retry policy. The policy's budgets and backoff apply to what the strategy retries
     * (for the baselines, only collisions on the version constraint).
     *
     * @param policy attempts, time budget, backoff and jitter
     * @return a copy with the policy
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public WriteStrategy withRetryPolicy(RetryPolicy policy) {
        return new WriteStrategy(name, policy, maxBatch);
    }

    /**
     * The most appends one transaction writes: the batch limit for {@code group-commit}, 1 for every other
     * strategy.
     *
     * @return the limit
     */
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * Whether this is one of the two baselines ({@code naive}, {@code seed-retry}) that lose appends on purpose.
     *
     * @return {@code true} for a baseline
     */
    public boolean isBaseline() {
        return name.equals(NAIVE) || name.equals(SEED_RETRY);
    }

    @Override
    public String toString() {
        return name + (maxBatch > 1 ? "(maxBatch=" + maxBatch + ", " : "(") + policy + ")";
    }
}
