package dev.gapless.core;

import dev.gapless.core.strategy.WriteStrategy;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Every strategy by name, the two lossy baselines included, for the tests that run them all: the baselines first
 * ({@link WriteStrategy#lossyBaselineNames()}), then {@link WriteStrategy#names()}.
 */
final class Strategies {

    private Strategies() {
    }

    /** @return the names of the baselines and the strategies */
    static List<String> all() {
        return Stream.concat(WriteStrategy.lossyBaselineNames().stream(), WriteStrategy.names().stream()).toList();
    }

    /** @return the strategy or baseline of that name, with its defaults */
    static WriteStrategy of(String name) {
        return WriteStrategy.lossyBaselineNames().contains(name.toLowerCase(Locale.ROOT))
                ? WriteStrategy.lossyBaseline(name) : WriteStrategy.named(name);
    }
}
