package dev.gapless.chaos;

import dev.gapless.core.AppendResult;
import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.WriteConflictException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What one call of an append told its writer: acknowledged with a version, failed with nothing written, or unknown
 * (the connection went away while the outcome was being decided).
 */
sealed interface Outcome permits Outcome.Acked, Outcome.Failed, Outcome.Unknown {

    /** The append is in the history as {@code version}; {@code deduplicated} when an earlier call wrote it. */
    record Acked(int version, boolean deduplicated) implements Outcome {
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
        return new Acked(result.version(), result.deduplicated());
    }

    /**
     * Classifies a failed call. Conservative: whenever a connection failure is anywhere in the failure (cause chain
     * or the suppressed earlier attempts), an earlier COMMIT may have landed, so the outcome is unknown.
     */
    static Outcome of(Throwable failure) {
        String name = errorClass(failure);
        if (failure instanceof InvalidChangeException || failure instanceof ArtifactNotFoundException
                || failure instanceof VersionConflictException) {
            return new Failed(name, false);
        }
        if (failure instanceof ConnectionLostException || mentionsConnectionFailure(failure)) {
            return new Unknown(name);
        }
        if (failure instanceof WriteConflictException) {
            return new Failed(name, false);
        }
        if (failure instanceof AppendTimeoutException || failure instanceof RetriesExhaustedException
                || failure instanceof StorageException) {
            return new Failed(name, true);
        }
        return new Unknown(name);
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

    private static boolean mentionsConnectionFailure(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        return walk(failure, seen);
    }

    private static boolean walk(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        if (t instanceof ConnectionLostException) {
            return true;
        }
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                return true;
            }
            if (walk(sql.getNextException(), seen)) {
                return true;
            }
        }
        for (Throwable s : t.getSuppressed()) {
            if (walk(s, seen)) {
                return true;
            }
        }
        return walk(t.getCause(), seen);
    }
}
