package dev.gapless.executor;

import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ConfigurationException;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.ConnectionUnavailableException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.IdempotencyKeyReusedException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.MergeConflictException;
import dev.gapless.core.Outcome;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.VersionPrunedException;
import dev.gapless.core.WriteConflictException;
import dev.gapless.executor.internal.tools.WriteReport;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What an agent is told when a tool call fails, written once: every failure message ends with what was written,
 * worded by what core says of it ({@link GaplessException#outcome()}), so that a timeout, an interrupt, an internal
 * error and a store failure tell the agent the same thing in the same sentence; and each failure of the store is
 * worded by one entry of one table ({@link #of}). No message holds SQL, a stack trace or server internals. The
 * executor, the MCP server and the adapters use it; stateless and thread-safe.
 */
public final class Wording {

    /** What an agent may do after a failure that wrote nothing: call again, with the same id. */
    public static final String RETRY_IS_SAFE = " Retrying with the same tool call id is safe.";

    /**
     * How one type of failure is worded.
     *
     * @param type    the failure's type
     * @param brief   its cause in a few words, for inside another message ({@code null}: its simple class name)
     * @param message its whole message, from the failure and what {@link #written} says of it
     */
    private record Words<E extends GaplessException>(Class<E> type, Function<E, String> brief,
                                                      BiFunction<E, String, String> message) {

        String message(GaplessException e) {
            return message.apply(type.cast(e), written(e.outcome()));
        }

        String brief(GaplessException e) {
            return brief == null ? e.getClass().getSimpleName() : brief.apply(type.cast(e));
        }
    }

    /**
     * Every failure of the store, in words: a failure is worded by the first entry it is an instance of (the
     * subtypes of {@link StorageException} before it), and by {@link #FALLBACK} if none.
     */
    private static final List<Words<?>> WORDS = List.of(
            new Words<>(MergeConflictException.class, null, (e, written) -> WriteReport.conflict(e)),
            new Words<>(InvalidChangeException.class, null,
                    (e, written) -> "rejected: " + e.getMessage() + "; " + written),
            new Words<>(VersionConflictException.class, null,
                    (e, written) -> "rejected: " + e.getMessage() + "; " + written),
            new Words<>(IdempotencyKeyReusedException.class, null,
                    (e, written) -> "rejected: the tool call id '" + e.key() + "' was already used for a different"
                            + " call (" + (e.version() > 0 ? "version " + e.version() : "which was rejected") + "); "
                            + written + " Use a new id for a new call."),
            new Words<>(AppendTimeoutException.class, e -> "timed out after " + e.timeout().toMillis() + " ms",
                    (e, written) -> "timed out after " + e.timeout().toMillis() + " ms; " + written
                            + (e.outcome() == Outcome.NOT_APPLIED ? RETRY_IS_SAFE : "")),
            new Words<>(ConnectionLostException.class, e -> "the database connection was lost",
                    (e, written) -> "the database connection was lost; " + written),
            new Words<>(RetriesExhaustedException.class, null,
                    (e, written) -> "gave up after " + e.attempts() + " attempts" + (e.getCause()
                            instanceof GaplessException cause ? " (last: " + brief(cause) + ")" : "") + "; " + written),
            new Words<>(WriteConflictException.class, e -> "another write won the race",
                    (e, written) -> "another write to the artifact won the race; " + written + " Retry the call."),
            new Words<>(VersionPrunedException.class, null,
                    (e, written) -> "version " + e.version() + " was pruned by the retention policy; the oldest"
                            + " version kept is " + e.oldestKept() + "; " + written),
            new Words<>(ArtifactNotFoundException.class, null,
                    (e, written) -> "the chat's artifact does not exist; " + written),
            new Words<>(ConfigurationException.class, null,
                    (e, written) -> "the store's database configuration is wrong (" + e.problem().name()
                            .toLowerCase(Locale.ROOT).replace('_', ' ') + e.sqlState().map(state -> ", SQLSTATE "
                            + state).orElse("") + "); " + written + " Retrying will not help until the store is"
                            + " reconfigured."),
            new Words<>(ConnectionUnavailableException.class, e -> "no database connection was available",
                    (e, written) -> "no database connection was available (pool exhausted or database unreachable); "
                            + written + " Retrying later with the same tool call id is safe."),
            new Words<>(StorageException.class, null,
                    (e, written) -> "storage failure" + e.sqlState().map(state -> " (SQLSTATE " + state + ")")
                            .orElse("") + "; " + written));

    /** The words of a failure of a type no entry of {@link #WORDS} names. */
    private static final Words<GaplessException> FALLBACK = new Words<>(GaplessException.class, null,
            (e, written) -> "the call failed; " + written);

    private Wording() {
    }

    /**
     * Whether anything was written, and what to do about it.
     *
     * @param outcome what core says of the failed write
     * @return {@code "nothing was written."}, or that the outcome is unknown and the same id may be retried
     */
    public static String written(Outcome outcome) {
        return switch (outcome) {
            case NOT_APPLIED -> "nothing was written.";
            case UNKNOWN -> "whether the change was applied is unknown. Retry with the same tool call id: it is never"
                    + " applied twice.";
        };
    }

    /**
     * A failure's message: its cause, then {@link #written}.
     *
     * @param cause   what went wrong, in a few words
     * @param outcome what was written
     * @return e.g. {@code "internal error; whether the change was applied is unknown. Retry …"}
     */
    public static String failed(String cause, Outcome outcome) {
        return cause + "; " + written(outcome);
    }

    /**
     * What the agent may be told about a failure of the store: the cause in words, whether anything was written (as
     * {@link GaplessException#outcome()} says, never guessed here), what to do.
     *
     * @param e the failure
     * @return the message, e.g. {@code "the database connection was lost; whether the change was applied is
     *     unknown. Retry with the same tool call id: it is never applied twice."}
     */
    public static String of(GaplessException e) {
        return wordsOf(e).message(e);
    }

    /** The cause of a failure in a few words, for inside another message. */
    private static String brief(GaplessException e) {
        return wordsOf(e).brief(e);
    }

    private static Words<?> wordsOf(GaplessException e) {
        for (Words<?> words : WORDS) {
            if (words.type().isInstance(e)) {
                return words;
            }
        }
        return FALLBACK;
    }
}
