package dev.gapless.core.internal;

import java.util.Arrays;
import java.util.List;

/**
 * What a {@link dev.gapless.core.strategy.WriteStrategy} is, exhaustively: one constant per strategy. The
 * machinery switches over this kind (which engine, how it locks, what is retried), never over a name string, so a
 * new strategy without machinery is a compile error. Immutable and thread-safe.
 */
public enum StrategyKind {
    /** Baseline, the original bug: unlocked read, insert head+1, no retry. Loses appends on purpose. */
    NAIVE("naive", true),
    /** Baseline, the original fix: naive plus 3 fixed retries of a version collision. Loses appends on purpose. */
    SEED_RETRY("seed-retry", true),
    /** Unlocked read; a collision rolls back and retries. */
    RETRY("retry", false),
    /** Unlocked read; compare-and-set on the head. */
    OPTIMISTIC("optimistic", false),
    /** The artifact's row lock, taken by moving the head. */
    ROW_LOCK("row-lock", false),
    /** {@code pg_advisory_xact_lock} on the artifact. */
    ADVISORY_LOCK("advisory-lock", false),
    /** SERIALIZABLE isolation. */
    SERIALIZABLE("serializable", false),
    /** One PL/pgSQL call per append, under the row lock. */
    SERVER_FUNCTION("server-function", false),
    /** In-process combining: k appends per transaction, one row lock. */
    GROUP_COMMIT("group-commit", false);

    private final String strategyName;
    private final boolean lossyBaseline;

    StrategyKind(String strategyName, boolean lossyBaseline) {
        this.strategyName = strategyName;
        this.lossyBaseline = lossyBaseline;
    }

    /** @return the strategy's name, as {@link dev.gapless.core.strategy.WriteStrategy#name()} reports it */
    public String strategyName() {
        return strategyName;
    }

    /** @return whether this is one of the two baselines that lose appends on purpose */
    public boolean lossyBaseline() {
        return lossyBaseline;
    }

    /**
     * Which failures of a whole attempt this kind retries, for {@link SqlErrors.Kind#retried}: the baselines only
     * what the original fix retried, every other strategy everything that is safe to retry.
     *
     * @return the retry scope
     */
    public SqlErrors.RetryScope retryScope() {
        return switch (this) {
            case NAIVE, SEED_RETRY -> SqlErrors.RetryScope.VERSION_CONFLICTS;
            case RETRY, OPTIMISTIC, ROW_LOCK, ADVISORY_LOCK, SERIALIZABLE, SERVER_FUNCTION, GROUP_COMMIT ->
                    SqlErrors.RetryScope.SAFE_FAILURES;
        };
    }

    /**
     * The kinds that are, or are not, lossy baselines, in declaration order.
     *
     * @param lossy {@code true} for the baselines, {@code false} for the strategies that keep every append
     * @return their names
     */
    public static List<String> names(boolean lossy) {
        return Arrays.stream(values()).filter(k -> k.lossyBaseline == lossy).map(StrategyKind::strategyName).toList();
    }
}
