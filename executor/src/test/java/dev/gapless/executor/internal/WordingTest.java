package dev.gapless.executor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.Outcome;
import org.junit.jupiter.api.Test;

/** The one wording of what a failed call wrote: these sentences are what agents (and their prompts) rely on. */
class WordingTest {

    @Test
    void aFailureThatWroteNothingSaysSo() {
        assertThat(Wording.failed("interrupted before it started", Outcome.NOT_APPLIED))
                .isEqualTo("interrupted before it started; nothing was written.");
        assertThat(Wording.failed("timed out after 5 ms before it started", Outcome.NOT_APPLIED)
                + Wording.RETRY_IS_SAFE).isEqualTo("timed out after 5 ms before it started; nothing was written."
                + " Retrying with the same tool call id is safe.");
    }

    @Test
    void aFailureOfUnknownOutcomeSaysToRetryWithTheSameId() {
        assertThat(Wording.failed("internal error", Outcome.UNKNOWN)).isEqualTo("internal error; whether the change"
                + " was applied is unknown. Retry with the same tool call id: it is never applied twice.");
    }

    @Test
    void everyOutcomeHasItsWords() {
        for (Outcome outcome : Outcome.values()) {
            assertThat(Wording.written(outcome)).as(outcome.name()).endsWith(".").isNotBlank();
        }
        assertThat(Wording.written(Outcome.NOT_APPLIED)).isNotEqualTo(Wording.written(Outcome.UNKNOWN));
    }
}
