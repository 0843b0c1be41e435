package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.ConnectionUnavailableException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.Outcome;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionPrunedException;
import dev.gapless.core.WriteConflictException;
import java.time.Duration;
import java.util.UUID;
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

    @Test
    void aFailureOfTheStoreIsWordedByItsOwnEntryAndItsOutcome() {
        assertThat(Wording.of(new AppendTimeoutException(Duration.ofMillis(250), null, null)))
                .isEqualTo("timed out after 250 ms; nothing was written. Retrying with the same tool call id is safe.");
        assertThat(Wording.of(new AppendTimeoutException(Duration.ofMillis(250), null, null, Outcome.UNKNOWN)))
                .isEqualTo("timed out after 250 ms; " + Wording.written(Outcome.UNKNOWN));
        assertThat(Wording.of(new ConnectionLostException("in COMMIT", "08006", null)))
                .isEqualTo("the database connection was lost; whether the change was applied is unknown. Retry with"
                        + " the same tool call id: it is never applied twice.");
        assertThat(Wording.of(new WriteConflictException("lost", "40001", null, null)))
                .isEqualTo("another write to the artifact won the race; nothing was written. Retry the call.");
        assertThat(Wording.of(new VersionPrunedException(UUID.randomUUID(), 3, 7))).isEqualTo("version 3 was"
                + " pruned by the retention policy; the oldest version kept is 7; nothing was written.");
    }

    @Test
    void aStorageFailureOfNoOtherKindSaysItsSqlState() {
        assertThat(Wording.of(new StorageException("secret SQL text", "XX000", null, null)))
                .isEqualTo("storage failure (SQLSTATE XX000); nothing was written.")
                .doesNotContain("secret");
    }

    @Test
    void givingUpNamesTheLastFailureBriefly() {
        assertThat(Wording.of(new RetriesExhaustedException(200, new WriteConflictException("lost", "40001", null,
                null), Outcome.NOT_APPLIED))).isEqualTo("gave up after 200 attempts (last: another write won the"
                + " race); nothing was written.");
        assertThat(Wording.of(new RetriesExhaustedException(3, new ConnectionUnavailableException("pool", null,
                null), Outcome.NOT_APPLIED))).isEqualTo("gave up after 3 attempts (last: no database connection was"
                + " available); nothing was written.");
        GaplessException other = new StorageException("x", null, null, null);
        assertThat(Wording.of(new RetriesExhaustedException(2, other, Outcome.UNKNOWN)))
                .startsWith("gave up after 2 attempts (last: StorageException); whether the change was applied");
    }
}
