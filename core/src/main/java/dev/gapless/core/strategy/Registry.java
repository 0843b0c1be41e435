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
        factories.put(NaiveStrategy.NAME, NaiveStrategy::new);
        factories.put(SeedRetryStrategy.NAME, SeedRetryStrategy::new);
        factories.put(RowLockStrategy.NAME, RowLockStrategy::new);
        FACTORIES = Map.copyOf(factories);
        NAMES = List.copyOf(factories.keySet());
    }

    private Registry() {
    }
}
