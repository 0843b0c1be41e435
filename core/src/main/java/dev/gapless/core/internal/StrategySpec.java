package dev.gapless.core.internal;

import dev.gapless.core.RetryPolicy;

/**
 * What the machinery reads of a {@link dev.gapless.core.strategy.WriteStrategy}: its kind, its retry policy and its
 * batch limit (more than 1 only for {@link StrategyKind#GROUP_COMMIT}). Immutable value.
 *
 * @param kind     the strategy's kind
 * @param policy   its retry policy
 * @param maxBatch the most appends one transaction writes, at least 1
 */
public record StrategySpec(StrategyKind kind, RetryPolicy policy, int maxBatch) {
}
