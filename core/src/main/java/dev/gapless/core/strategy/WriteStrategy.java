package dev.gapless.core.strategy;

import dev.gapless.core.AppendResult;
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
public sealed interface WriteStrategy permits NaiveStrategy, SeedRetryStrategy, RowLockStrategy {

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
        return new NaiveStrategy();
    }

    /**
     * Baseline, the original fix: {@link #naive()} plus 3 retries after 100, 200 and 400 ms, no jitter. Still loses
     * appends at 16 or more concurrent writers. For comparison only.
     *
     * @return a new instance
     */
    static WriteStrategy seedRetry() {
        return new SeedRetryStrategy();
    }

    /**
     * {@code SELECT … FOR UPDATE} on the artifact row, then read, insert and bump the head in the same
     * transaction. Writers to one artifact queue on the row lock; no retries, no lost appends. The default.
     *
     * @return a new instance
     */
    static WriteStrategy rowLock() {
        return new RowLockStrategy();
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
