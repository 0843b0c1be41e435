package dev.gapless.chaos;

import dev.gapless.core.AppendResult;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.IdempotencyKeyReusedException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.MergeConflictException;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.VersionPrunedException;
import dev.gapless.core.WriteConflictException;

/**
 * What one call of an append told its writer: acknowledged with a version, failed with nothing written, or unknown
 * (the connection went away while the outcome was being decided).
 */
sealed interface Outcome permits Outcome.Acked, Outcome.Failed, Outcome.Unknown {

    /**
     * The append is in the history as {@code version}; {@code deduplicated} when an earlier call wrote it;
     * {@code unchanged} when it changed nothing (its puts were the head's files, merges included), so that no version
     * carries it and {@code version} is the head it found.
     */
    record Acked(int version, boolean deduplicated, boolean unchanged) implements Outcome {

        Acked(int version, boolean deduplicated) {
            this(version, deduplicated, false);
        }
    }

    /**
     * The call failed and the library says nothing was written.
     *
     * @param errorClass e.g. {@code InvalidChangeException.NO_SUCH_FILE}, {@code WriteConflictException}
     * @param retryable  whether calling again (with the same key) may succeed
     */
    record Failed(String errorClass, boolean retryable) implements Outcome {
    }

    /** Whether the append was written is unknown, e.g. {@code ConnectionLostException}. */
    record Unknown(String errorClass) implements Outcome {
    }

    static Outcome of(AppendResult result) {
        return new Acked(result.version(), result.deduplicated(), result.unchanged());
    }

    /**
     * Classifies a failed call by what the library says it did: {@link GaplessException#outcome()} UNKNOWN is
     * {@link Unknown}; otherwise nothing was written and the call {@link Failed}, retryable unless the failure is a
     * verdict on the change itself (a rejected input, a missing artifact, a stale expected version, a reused key) or
     * a conflict that the strategy chose not to retry.
     */
    static Outcome of(GaplessException failure) {
        String name = errorClass(failure);
        if (failure.outcome() == dev.gapless.core.Outcome.UNKNOWN) {
            return new Unknown(name);
        }
        boolean verdict = failure instanceof InvalidChangeException || failure instanceof ArtifactNotFoundException
                || failure instanceof VersionConflictException || failure instanceof IdempotencyKeyReusedException
                || failure instanceof WriteConflictException || failure instanceof MergeConflictException
                || failure instanceof VersionPrunedException;
        return new Failed(name, !verdict);
    }

    /** A short, stable name for figures: the exception's simple name, with the reason or SQLSTATE where useful. */
    static String errorClass(Throwable failure) {
        String name = failure.getClass().getSimpleName();
        if (failure instanceof InvalidChangeException invalid) {
            return name + "." + invalid.reason();
        }
        if (failure instanceof StorageException storage && storage.sqlState().isPresent()) {
            return name + "(" + storage.sqlState().get() + ")";
        }
        return name;
    }
}
