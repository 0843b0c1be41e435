package dev.gapless.core.strategy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The strategies by name, in the order the race and the docs show them. */
final class Registry {

    static final Map<String, Supplier<WriteStrategy>> FACTORIES;
    static final List<String> NAMES;

    static {
        Map<String, Supplier<WriteStrategy>> factories = new LinkedHashMap<>();
        factories.put(NaiveStrategy.NAME, WriteStrategy::naive);
        factories.put(SeedRetryStrategy.NAME, WriteStrategy::seedRetry);
        factories.put(RetryStrategy.NAME, WriteStrategy::retry);
        factories.put(OptimisticStrategy.NAME, WriteStrategy::optimistic);
        factories.put(RowLockStrategy.NAME, WriteStrategy::rowLock);
        factories.put(AdvisoryLockStrategy.NAME, WriteStrategy::advisoryLock);
        factories.put(SerializableStrategy.NAME, WriteStrategy::serializable);
        factories.put(ServerFunctionStrategy.NAME, WriteStrategy::serverFunction);
        factories.put(GroupCommitStrategy.NAME, WriteStrategy::groupCommit);
        FACTORIES = Map.copyOf(factories);
        NAMES = List.copyOf(factories.keySet());
    }

    private Registry() {
    }
}
