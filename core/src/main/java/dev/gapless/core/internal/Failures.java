package dev.gapless.core.internal;

import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.ConfigurationException;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.ConnectionUnavailableException;
import dev.gapless.core.GaplessException;
import dev.gapless.core.IdempotencyKeyReusedException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.Outcome;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.WriteConflictException;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Maps database failures of an append to the public exceptions, with the outcome the member's history allows. */
final class Failures {

    private Failures() {
    }

    /**
     * A rejection recorded under an idempotency key (table {@code artifact_key_failures}), as first raised.
     *
     * @param type    the exception's simple class name
     * @param reason  its reason, where its type has one, else {@code null}
     * @param message its message
     */
    record Recorded(String type, String reason, String message) {
    }

    /**
     * One type of failure that depends on the artifact's state, and how it is recorded and raised again.
     *
     * @param type   the exception type
     * @param reason its reason as recorded (or {@code null}); the whole mapping must be reversible by {@code raise}
     * @param raise  the exception again, from the recorded reason and message
     */
    private record Recordable<E extends GaplessException>(Class<E> type, Function<E, String> reason,
                                                          BiFunction<String, String, E> raise) {

        Recorded record(GaplessException e) {
            return new Recorded(type.getSimpleName(), reason.apply(type.cast(e)), e.getMessage());
        }
    }

    /**
     * The failures a keyed append keeps its key for: found under the artifact's lock (or a compare-and-set of its
     * head), so they depend on the artifact's state and a replay must meet them again, not run again. Every
     * {@link InvalidChangeException} that reaches the engine is of this kind (input validation throws before).
     * A new type of such failure is one entry here (and, if PL/pgSQL raises it, its SQLSTATE in
     * {@code gapless_try_append}).
     */
    private static final List<Recordable<?>> RECORDABLE = List.of(
            new Recordable<>(InvalidChangeException.class, e -> e.reason().name(),
                    (reason, message) -> new InvalidChangeException(InvalidChangeException.Reason.valueOf(reason),
                            message)));

    /** The record of {@code failure} under its key, or {@code null} when a failure of its kind is not kept. */
    static Recorded recordable(GaplessException failure) {
        for (Recordable<?> r : RECORDABLE) {
            if (r.type().isInstance(failure)) {
                return r.record(failure);
            }
        }
        return null;
    }

    /** The failure {@code recorded} stands for, raised again: same type, reason and message, nothing written. */
    static GaplessException replay(Recorded recorded) {
        for (Recordable<?> r : RECORDABLE) {
            if (r.type().getSimpleName().equals(recorded.type())) {
                return r.raise().apply(recorded.reason(), recorded.message());
            }
        }
        return new StorageException("the rejection recorded for this idempotency key is of an unknown type "
                + recorded.type() + " (written by a newer Gapless?); nothing was written", null, null, null,
                Outcome.NOT_APPLIED);
    }

    /** What the caller of {@code member} is told about {@code failure}. */
    static GaplessException translate(SQLException failure, Member member, Limits limits) {
        AppendRequest r = member.request();
        SqlErrors.Classified c = SqlErrors.classify(failure);
        return switch (c.kind()) {
            case VERSION_CONFLICT, SERIALIZATION_FAILURE, DEADLOCK, ALREADY_APPLIED ->
                    new WriteConflictException("another writer took the next version of artifact " + r.artifactId()
                            + " (SQLSTATE " + c.sqlState() + (c.constraint() == null ? "" : ", constraint "
                            + c.constraint()) + ")", c.sqlState(), c.constraint(), failure);
            case LOCK_TIMEOUT, STATEMENT_TIMEOUT -> timeout(member, c.sqlState(), failure);
            case NO_SUCH_ARTIFACT -> new ArtifactNotFoundException(r.artifactId());
            case NO_SUCH_FILE -> new InvalidChangeException(InvalidChangeException.Reason.NO_SUCH_FILE,
                    String.valueOf(SqlErrors.serverMessage(failure)));
            case EXPECTED_VERSION -> new VersionConflictException(r.artifactId(),
                    r.expectedVersion() == null ? -1 : r.expectedVersion(),
                    (int) SqlErrors.detailNumber(failure, -1));
            case EDIT_REJECTED -> new InvalidChangeException(reason(SqlErrors.detail(failure)),
                    String.valueOf(SqlErrors.serverMessage(failure)));
            case TOO_MANY_FILES -> limits.tooManyFiles(SqlErrors.detailNumber(failure, -1));
            case ARTIFACT_TOO_LARGE -> limits.tooLarge(SqlErrors.detailNumber(failure, -1));
            case KEY_REUSED -> new IdempotencyKeyReusedException(r.artifactId(),
                    String.valueOf(r.idempotencyKey()), (int) SqlErrors.detailNumber(failure, -1));
            case CONNECTION -> new ConnectionLostException("connection to the database failed during an append to"
                    + " artifact " + r.artifactId() + "; " + (r.idempotencyKey() == null
                    ? "with no idempotency key it was not retried, and if" : "if") + " COMMIT was in flight whether"
                    + " it landed is unknown (SQLSTATE " + c.sqlState() + ")", c.sqlState(), failure);
            case CONFIGURATION -> configuration(failure, c.sqlState());
            case NO_CONNECTION -> new ConnectionUnavailableException("no database connection could be obtained for"
                    + " an append to artifact " + r.artifactId() + " (pool exhausted or database unreachable);"
                    + " nothing was sent", c.sqlState(), failure);
            default -> new StorageException("append to artifact " + r.artifactId() + " failed (SQLSTATE "
                    + c.sqlState() + ")", c.sqlState(), c.constraint(), failure, Outcome.NOT_APPLIED);
        };
    }

    /**
     * A failure no retry can fix, in words that name it: what is wrong, the SQLSTATE, what the database said, and
     * what to check.
     *
     * @param failure  the failure
     * @param sqlState the SQLSTATE it was classified by ({@link SqlErrors.Kind#CONFIGURATION})
     * @return the exception
     */
    static ConfigurationException configuration(Throwable failure, String sqlState) {
        String said = SqlErrors.describe(failure, sqlState);
        String cause = "(SQLSTATE " + sqlState + (said == null ? "" : ": " + said) + ")";
        ConfigurationException.Problem problem;
        String text;
        if (sqlState.startsWith("28")) {
            problem = ConfigurationException.Problem.AUTHENTICATION;
            text = "the database refused the login " + cause + "; check the user and password of the data source";
        } else if (sqlState.startsWith("3")) {
            problem = ConfigurationException.Problem.UNKNOWN_DATABASE;
            text = "the database or schema named by the data source does not exist " + cause
                    + "; check the JDBC URL";
        } else if (sqlState.startsWith("08")) {
            problem = ConfigurationException.Problem.UNREACHABLE;
            text = "the database server refused the connection and no connection was ever had from this data"
                    + " source " + cause + "; check the host and port of the JDBC URL";
        } else if ("42501".equals(sqlState)) {
            problem = ConfigurationException.Problem.INSUFFICIENT_PRIVILEGE;
            text = "the database user lacks a privilege on Gapless's tables " + cause + "; grant it SELECT,"
                    + " INSERT, UPDATE and DELETE on them (and EXECUTE on the gapless_ functions)";
        } else {
            problem = ConfigurationException.Problem.SCHEMA_NOT_APPLIED;
            text = "the Gapless schema is not applied in this database, or is older than this Gapless " + cause
                    + "; run Schema.apply(dataSource) (or its migrations) first";
        }
        return new ConfigurationException(problem, text + "; nothing was written, and no retry was made",
                sqlState, failure);
    }

    /** The reason {@code gapless_append} named in the DETAIL of an edit it rejected. */
    private static InvalidChangeException.Reason reason(String detail) {
        for (InvalidChangeException.Reason r : InvalidChangeException.Reason.values()) {
            if (r.name().equals(detail)) {
                return r;
            }
        }
        return InvalidChangeException.Reason.PATCH_DOES_NOT_APPLY;
    }

    /** The member's deadline passed. */
    static AppendTimeoutException timeout(Member member, String sqlState, Throwable cause) {
        return new AppendTimeoutException(member.request().timeout(), sqlState, cause,
                member.ambiguous() ? Outcome.UNKNOWN : Outcome.NOT_APPLIED);
    }

    /**
     * The failure the caller gets: when an earlier attempt may have committed unseen and this failure claims
     * nothing was written, the claim is replaced by the truth (the outcome is unknown), with the failure as cause.
     */
    static GaplessException settle(Member member, GaplessException failure) {
        if (!member.ambiguous() || failure.outcome() == Outcome.UNKNOWN) {
            return failure;
        }
        if (failure instanceof AppendTimeoutException t) {
            return new AppendTimeoutException(t.timeout(), t.sqlState().orElse(null), t, Outcome.UNKNOWN);
        }
        return new ConnectionLostException("an attempt of the append to artifact " + member.request().artifactId()
                + " lost its connection while it may have been committing, and the retries with its idempotency key"
                + " ended (" + failure.getMessage() + ") before they could tell whether it had: its outcome is"
                + " unknown; retry with the same key", null, failure);
    }
}
