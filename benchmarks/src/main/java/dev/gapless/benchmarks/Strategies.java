package dev.gapless.benchmarks;

import dev.gapless.core.strategy.WriteStrategy;
import java.util.List;
import java.util.stream.Stream;

/**
 * The strategies a benchmark measures, by name: the two lossy baselines (reached by their explicit name,
 * {@link WriteStrategy#lossyBaseline(String)}) beside the real strategies, so that every figure has its baseline
 * measured in the same run. Stateless.
 */
public final class Strategies {

    private Strategies() {
    }

    /**
     * The baselines, then {@link WriteStrategy#names()}.
     *
     * @return every name a benchmark's {@code strategy} parameter takes
     */
    public static List<String> all() {
        return Stream.concat(WriteStrategy.lossyBaselineNames().stream(), WriteStrategy.names().stream()).toList();
    }

    /**
     * The strategy, or lossy baseline, of that name.
     *
     * @param name e.g. {@code naive} or {@code row-lock}
     * @return it, with its defaults
     * @throws IllegalArgumentException if neither has that name
     */
    public static WriteStrategy named(String name) {
        return WriteStrategy.lossyBaselineNames().contains(name) ? WriteStrategy.lossyBaseline(name)
                : WriteStrategy.named(name);
    }
}
