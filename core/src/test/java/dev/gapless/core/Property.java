package dev.gapless.core;

import static org.quicktheories.QuickTheory.qt;

import java.util.function.Consumer;
import org.quicktheories.core.Gen;

/**
 * Runs a property over generated inputs. On failure the message names the falsifying value and the seed
 * ("Seed was …"); replay it with {@code -DQT_SEED=<seed>}.
 */
final class Property {

    private Property() {
    }

    /**
     * Checks {@code body} for {@code examples} inputs from {@code gen}; inputs are generated on the calling thread.
     * Shrinking is bounded because every example talks to PostgreSQL.
     */
    static <T> void forAll(int examples, Gen<T> gen, Consumer<T> body) {
        qt().withExamples(examples).withShrinkCycles(Math.max(1, examples / 4)).forAll(gen).checkAssert(body);
    }
}
