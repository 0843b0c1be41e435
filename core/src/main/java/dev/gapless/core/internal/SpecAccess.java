package dev.gapless.core.internal;

import dev.gapless.core.RetryPolicy;
import dev.gapless.core.strategy.WriteStrategy;
import java.util.function.Function;

/**
 * How the machinery reads what the public specifications keep to themselves: a {@link WriteStrategy}'s
 * {@link StrategySpec} and a {@link RetryPolicy}'s {@link Backoff}. Each type registers its reader once, in its own
 * static initializer (so a reader is always there for an instance); nothing else can register one. Thread-safe.
 */
public final class SpecAccess {

    private static volatile Function<WriteStrategy, StrategySpec> strategies;
    private static volatile Function<RetryPolicy, Backoff> policies;

    private SpecAccess() {
    }

    /**
     * Called once by {@link WriteStrategy}'s static initializer.
     *
     * @param reader reads a strategy's spec
     * @throws IllegalStateException if a reader is already registered
     */
    public static synchronized void registerStrategies(Function<WriteStrategy, StrategySpec> reader) {
        if (strategies != null) {
            throw new IllegalStateException("the reader of write strategies is already registered");
        }
        strategies = reader;
    }

    /**
     * Called once by {@link RetryPolicy}'s static initializer.
     *
     * @param reader reads a policy's backoff
     * @throws IllegalStateException if a reader is already registered
     */
    public static synchronized void registerPolicies(Function<RetryPolicy, Backoff> reader) {
        if (policies != null) {
            throw new IllegalStateException("the reader of retry policies is already registered");
        }
        policies = reader;
    }

    /**
     * @param strategy a strategy
     * @return its kind, policy and batch limit
     */
    public static StrategySpec spec(WriteStrategy strategy) {
        return strategies.apply(strategy);
    }

    /**
     * @param policy a policy
     * @return its delays between attempts
     */
    public static Backoff backoff(RetryPolicy policy) {
        return policies.apply(policy);
    }
}
