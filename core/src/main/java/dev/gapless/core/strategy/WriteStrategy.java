package dev.gapless.core.strategy;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.internal.SpecAccess;
import dev.gapless.core.internal.StrategyKind;
import dev.gapless.core.internal.StrategySpec;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How concurrent appends to one artifact are serialized: a name, and the options that strategy takes. Pick one with
 * a factory method or {@link #named(String)}; {@link #rowLock()} is the default. Every strategy keeps the
 * invariants: versions are exactly {@code 1..head}, each version is its predecessor plus its own change, and an
 * idempotency key appears at most once per artifact. The two lossy baselines ({@code naive}, {@code seed-retry}),
 * which break them on purpose for comparison, are not among {@link #names()}: they are had only by asking for them,
 * with {@link #lossyBaseline(String)}.
 *
 * <p>A strategy is only a specification: the machinery that carries it out belongs to the
 * {@link dev.gapless.core.ArtifactStore} built with it. Immutable and thread-safe; one instance may configure any
 * number of stores.
 *
 * <table>
 *   <caption>The strategies</caption>
 *   <tr><th>name</th><th>how writers are serialized</th><th>retry policy</th></tr>
 *   <tr><td>{@code retry}</td><td>unlocked read; a collision rolls back and retries</td><td>yes</td></tr>
 *   <tr><td>{@code optimistic}</td><td>unlocked read; compare-and-set on the head</td><td>yes</td></tr>
 *   <tr><td>{@code row-lock}</td><td>the artifact's row lock, taken by moving the head</td><td>yes</td></tr>
 *   <tr><td>{@code advisory-lock}</td><td>{@code pg_advisory_xact_lock} on the artifact</td><td>yes</td></tr>
 *   <tr><td>{@code serializable}</td><td>SERIALIZABLE isolation; 40001 retried</td><td>yes</td></tr>
 *   <tr><td>{@code server-function}</td><td>one PL/pgSQL call per append, under the row lock</td><td>yes</td></tr>
 *   <tr><td>{@code group-commit}</td><td>in-process combining: k appends per transaction, one row lock</td>
 *       <td>yes</td></tr>
 *   <tr><td>{@code naive} (lossy baseline)</td><td>the original bug: unlocked read, insert head+1</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code seed-retry} (lossy baseline)</td><td>the original fix: naive plus 3 retries after
 *       100/200/400 ms</td><td>fixed</td></tr>
 * </table>
 * Where a strategy takes a policy, it retries only what is safe to retry: collisions, serialization failures,
 * deadlocks, an unavailable pool, and a lost connection when the append carries an idempotency key.
 */
public final class WriteStrategy {

    /** The most appends one group-commit transaction writes, by default. */
    public static final int DEFAULT_MAX_BATCH = 64;

    private static final Map<StrategyKind, Supplier<WriteStrategy>> FACTORIES;
    private static final List<String> NAMES = StrategyKind.names(false);
    private static final List<String> LOSSY_BASELINES = StrategyKind.names(true);

    static {
        Map<StrategyKind, Supplier<WriteStrategy>> factories = new EnumMap<>(StrategyKind.class);
        factories.put(StrategyKind.NAIVE, WriteStrategy::naive);
        factories.put(StrategyKind.SEED_RETRY, WriteStrategy::seedRetry);
        factories.put(StrategyKind.RETRY, WriteStrategy::retry);
        factories.put(StrategyKind.OPTIMISTIC, WriteStrategy::optimistic);
        factories.put(StrategyKind.ROW_LOCK, WriteStrategy::rowLock);
        factories.put(StrategyKind.ADVISORY_LOCK, WriteStrategy::advisoryLock);
        factories.put(StrategyKind.SERIALIZABLE, WriteStrategy::serializable);
        factories.put(StrategyKind.SERVER_FUNCTION, WriteStrategy::serverFunction);
        factories.put(StrategyKind.GROUP_COMMIT, WriteStrategy::groupCommit);
        FACTORIES = Map.copyOf(factories);
        SpecAccess.registerStrategies(s -> s.spec);
    }

    private final StrategySpec spec;

    private WriteStrategy(StrategyKind kind, RetryPolicy policy, int maxBatch) {
        Objects.requireNonNull(policy, "policy");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
        }
        this.spec = new StrategySpec(kind, policy, maxBatch);
    }

    /**
     * Baseline, the original bug: read the head without a lock, insert head+1, no retry. Concurrent appends fail
     * with {@link dev.gapless.core.WriteConflictException}. For comparison only.
     */
    private static WriteStrategy naive() {
        return new WriteStrategy(StrategyKind.NAIVE, RetryPolicy.none(), 1);
    }

    /**
     * Baseline, the original fix: naive plus 3 retries after 100, 200 and 400 ms, no jitter, only on a
     * collision on the version constraint. Still loses appends at 16 or more concurrent writers. For comparison only.
     */
    private static WriteStrategy seedRetry() {
        return new WriteStrategy(StrategyKind.SEED_RETRY, RetryPolicy.builder().withJitter(RetryPolicy.Jitter.NONE)
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
        return new WriteStrategy(StrategyKind.RETRY, policy, 1);
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
        return new WriteStrategy(StrategyKind.OPTIMISTIC, policy, 1);
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
        return new WriteStrategy(StrategyKind.ROW_LOCK, policy, 1);
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
        return new WriteStrategy(StrategyKind.ADVISORY_LOCK, policy, 1);
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
        return new WriteStrategy(StrategyKind.SERIALIZABLE, policy, 1);
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
        return new WriteStrategy(StrategyKind.SERVER_FUNCTION, policy, 1);
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
        return new WriteStrategy(StrategyKind.GROUP_COMMIT, policy, maxBatch);
    }

    /**
     * The names of the strategies that keep every append, as {@link #named(String)} accepts them. The lossy
     * baselines are not among them ({@link #lossyBaselineNames()}).
     *
     * @return the names, {@code retry} first
     */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The strategy of that name (case-insensitive), with its default options.
     *
     * @param name e.g. {@code row-lock}
     * @return the strategy
     * @throws IllegalArgumentException if no strategy has that name (the message lists the names), or if it names
     *                                  a lossy baseline (the message says how to opt in to it)
     * @throws NullPointerException     if {@code name} is {@code null}
     */
    public static WriteStrategy named(String name) {
        StrategyKind kind = kindNamed(name);
        if (kind == null) {
            throw new IllegalArgumentException("unknown write strategy '" + name + "'; known: " + names()
                    + " (and, for comparison only, the lossy baselines " + LOSSY_BASELINES
                    + " by WriteStrategy.lossyBaseline)");
        }
        if (kind.lossyBaseline()) {
            throw new IllegalArgumentException("write strategy '" + name + "' is a lossy baseline: it loses"
                    + " concurrent appends on purpose and is for comparison only; opt in to it explicitly with"
                    + " WriteStrategy.lossyBaseline(\"" + kind.strategyName() + "\"), or pick one of " + names());
        }
        return FACTORIES.get(kind).get();
    }

    /**
     * The names of the two lossy baselines, as {@link #lossyBaseline(String)} accepts them.
     *
     * @return {@code naive} and {@code seed-retry}
     */
    public static List<String> lossyBaselineNames() {
        return LOSSY_BASELINES;
    }

    /**
     * One of the two baselines that lose concurrent appends on purpose, for comparison only (benchmarks, the chaos
     * suite's self-test): {@code naive}, the original bug (read the head without a lock, insert head+1, no retry;
     * concurrent appends fail with {@link dev.gapless.core.WriteConflictException}), or {@code seed-retry}, the
     * original fix (naive plus 3 retries after 100, 200 and 400 ms, no jitter, only on a collision on the version
     * constraint; still loses appends at 16 or more concurrent writers). Never use one for writes you keep.
     *
     * @param name {@code naive} or {@code seed-retry} (case-insensitive)
     * @return the baseline
     * @throws IllegalArgumentException if {@code name} is not a lossy baseline's; the message lists them
     * @throws NullPointerException     if {@code name} is {@code null}
     */
    public static WriteStrategy lossyBaseline(String name) {
        StrategyKind kind = kindNamed(name);
        if (kind == null || !kind.lossyBaseline()) {
            throw new IllegalArgumentException("'" + name + "' is not a lossy baseline; the lossy baselines: "
                    + LOSSY_BASELINES + (kind == null ? "" : " (for '" + kind.strategyName()
                    + "' use WriteStrategy.named)"));
        }
        return FACTORIES.get(kind).get();
    }

    private static StrategyKind kindNamed(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (StrategyKind kind : StrategyKind.values()) {
            if (kind.strategyName().equals(wanted)) {
                return kind;
            }
        }
        return null;
    }

    /**
     * The strategy's name, as accepted by {@link #named(String)} (or, for a baseline,
     * {@link #lossyBaseline(String)}) and {@code gapless race --strategy}.
     *
     * @return e.g. {@code row-lock}
     */
    public String name() {
        return spec.kind().strategyName();
    }

    /**
     * The retry policy; {@link RetryPolicy#none()} for {@code naive}, the fixed 100/200/400 ms for
     * {@code seed-retry}.
     *
     * @return the policy
     */
    public RetryPolicy retryPolicy() {
        return spec.policy();
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
        return new WriteStrategy(spec.kind(), policy, spec.maxBatch());
    }

    @Override
    public String toString() {
        return name() + (spec.maxBatch() > 1 ? "(maxBatch=" + spec.maxBatch() + ", " : "(") + spec.policy() + ")";
    }
}
