package dev.gapless.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.core.AppendListener;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Outcome;
import dev.gapless.core.RetryPolicy;
import dev.gapless.core.Schema;
import dev.gapless.core.Sleeper;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19: one rule decides what is retried ({@link SqlErrors.Kind#retried}), and every path that retries or
 * reports agrees with it. Table-driven over SQLSTATEs (each raised by a real server, with its constraint) x retry
 * scopes x keyed or not: the expected answers are written out here, not derived from the code, and each row is
 * checked against the rule, against the write pipeline's real retry loop (does it make a second attempt?), and
 * against the outcome the caller is told.
 */
class RetryRuleTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static final Limits LIMITS = new Limits(10_000, 1 << 20, 256L << 20);
    private static UUID artifact;

    /** Retried: S = SAFE_FAILURES with a key, s = SAFE_FAILURES without, V = VERSION_CONFLICTS, T = SERIALIZATION. */
    private record Row(String sqlState, String constraint, boolean noConnection, SqlErrors.Kind kind,
                       String retried) {

        @Override
        public String toString() {
            return (noConnection ? "no connection: " : "") + sqlState + (constraint == null ? "" : "/" + constraint);
        }
    }

    private static Row row(String state, String constraint, SqlErrors.Kind kind, String retried) {
        return new Row(state, constraint, false, kind, retried);
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("23505", SqlErrors.VERSION_CONSTRAINT, SqlErrors.Kind.VERSION_CONFLICT, "SsV"),
                row("23505", SqlErrors.IDEMPOTENCY_CONSTRAINT, SqlErrors.Kind.ALREADY_APPLIED, "SsV"),
                row("23505", SqlErrors.KEY_FAILURE_CONSTRAINT, SqlErrors.Kind.ALREADY_APPLIED, "SsV"),
                row("23505", "some_other_key", SqlErrors.Kind.OTHER, ""),
                row("GL409", null, SqlErrors.Kind.VERSION_CONFLICT, "SsV"),
                row("23514", "artifacts_file_count_check", SqlErrors.Kind.VERSION_CONFLICT, "SsV"),
                row("23514", "artifacts_total_bytes_check", SqlErrors.Kind.VERSION_CONFLICT, "SsV"),
                row("23514", "some_other_check", SqlErrors.Kind.OTHER, ""),
                row("40001", null, SqlErrors.Kind.SERIALIZATION_FAILURE, "SsT"),
                row("23503", SqlErrors.CONTENT_CONSTRAINT, SqlErrors.Kind.SERIALIZATION_FAILURE, "SsT"),
                row("40P01", null, SqlErrors.Kind.DEADLOCK, "SsT"),
                row("55P03", null, SqlErrors.Kind.LOCK_TIMEOUT, ""),
                row("57014", null, SqlErrors.Kind.STATEMENT_TIMEOUT, ""),
                row("08006", null, SqlErrors.Kind.CONNECTION, "S"),
                row("08003", null, SqlErrors.Kind.CONNECTION, "S"),
                row("57P01", null, SqlErrors.Kind.CONNECTION, "S"),
                row("57P03", null, SqlErrors.Kind.CONNECTION, "S"),
                row("28P01", null, SqlErrors.Kind.CONFIGURATION, ""),
                row("3D000", null, SqlErrors.Kind.CONFIGURATION, ""),
                row("42501", null, SqlErrors.Kind.CONFIGURATION, ""),
                row("42P01", null, SqlErrors.Kind.CONFIGURATION, ""),
                row("42883", null, SqlErrors.Kind.CONFIGURATION, ""),
                row("23503", "artifact_versions_artifact_id_fkey", SqlErrors.Kind.NO_SUCH_ARTIFACT, ""),
                row("GL003", null, SqlErrors.Kind.NO_SUCH_ARTIFACT, ""),
                row("GL001", null, SqlErrors.Kind.NO_SUCH_FILE, ""),
                row("GL002", null, SqlErrors.Kind.EXPECTED_VERSION, ""),
                row("GL004", null, SqlErrors.Kind.TOO_MANY_FILES, ""),
                row("GL005", null, SqlErrors.Kind.ARTIFACT_TOO_LARGE, ""),
                row("GL006", null, SqlErrors.Kind.KEY_REUSED, ""),
                row("GL007", null, SqlErrors.Kind.EDIT_REJECTED, ""),
                row("22023", null, SqlErrors.Kind.OTHER, ""),
                row("XX000", null, SqlErrors.Kind.OTHER, ""),
                new Row("53300", null, true, SqlErrors.Kind.NO_CONNECTION, "Ss"),
                new Row("08006", null, true, SqlErrors.Kind.NO_CONNECTION, "Ss"),
                new Row("28P01", null, true, SqlErrors.Kind.CONFIGURATION, ""));
    }

    static Stream<Arguments> rowsByScope() {
        List<Arguments> all = new ArrayList<>();
        rows().forEach(r -> {
            for (SqlErrors.RetryScope scope : SqlErrors.RetryScope.values()) {
                all.add(Arguments.of(r, scope, true));
                all.add(Arguments.of(r, scope, false));
            }
        });
        return all.stream();
    }

    @BeforeAll
    static void artifact() {
        artifact = ArtifactStore.create(PG.dataSource()).getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
    }

    /** The failure of {@code row}, as the server raised it (wrapped as the data source's when nothing was sent). */
    private static SQLException raise(Row row) throws SQLException {
        String using = "ERRCODE = '" + row.sqlState() + "'"
                + (row.constraint() == null ? "" : ", CONSTRAINT = '" + row.constraint() + "'");
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> s.execute("DO $$ BEGIN RAISE EXCEPTION 'raised by RetryRuleTest' USING " + using + "; END $$"));
            assertThat((Throwable) e).as("the server raised %s", row).isNotNull();
            return row.noConnection() ? new SqlErrors.NoConnectionException(e, false) : e;
        }
    }

    private static boolean expected(Row row, SqlErrors.RetryScope scope, boolean keyed) {
        String code = switch (scope) {
            case SAFE_FAILURES -> keyed ? "S" : "s";
            case VERSION_CONFLICTS -> "V";
            case SERIALIZATION -> "T";
        };
        return row.retried().contains(code);
    }

    @ParameterizedTest(name = "{0} in {1}, keyed {2}")
    @MethodSource("rowsByScope")
    void theRuleAndThePipelineAgreeWithTheTable(Row row, SqlErrors.RetryScope scope, boolean keyed)
            throws Exception {
        SQLException failure = raise(row);
        SqlErrors.Classified c = SqlErrors.classify(failure);
        boolean expected = expected(row, scope, keyed);

        assertThat(c.kind()).as("kind of %s", row).isEqualTo(row.kind());
        assertThat(c.retryable(scope, keyed)).as("the rule").isEqualTo(expected);
        if (scope == SqlErrors.RetryScope.SERIALIZATION) {
            return; // no pipeline retries in this scope: get-or-create and the retention mark call the rule itself
        }
        assertThat(attemptsOfThePipeline(failure, scope, keyed)).as("attempts the write pipeline made")
                .isEqualTo(expected ? 2 : 1);
    }

    /** Runs the real retry loop with an engine whose every attempt meets {@code failure}; counts its attempts. */
    private static int attemptsOfThePipeline(SQLException failure, SqlErrors.RetryScope scope, boolean keyed) {
        Connections connections = new Connections(PG.dataSource(), TimeSource.SYSTEM);
        Pipeline pipeline = new Pipeline(connections, LIMITS, Sleeper.SYSTEM, AppendListener.NONE);
        AtomicInteger attempts = new AtomicInteger();
        Engine failing = (open, attempt) -> {
            attempts.incrementAndGet();
            throw failure;
        };
        Duration timeout = Duration.ofSeconds(30);
        AppendRequest request = new AppendRequest(artifact, PreparedChange.of(Change.put(CodeFile.of("a.txt", "a"))),
                keyed ? "key-" + UUID.randomUUID() : null, null, timeout, Instant.now().plus(timeout),
                System.nanoTime());
        Member member = new Member(request, TimeSource.SYSTEM);
        RetryPolicy twoAttempts = RetryPolicy.builder().withFixedDelays(Duration.ZERO).build();
        pipeline.run(List.of(member), failing, twoAttempts, scope);
        assertThat(Member.failureOf(member.settled())).as("the append failed").isNotNull();
        return attempts.get();
    }

    /**
     * What the caller is told agrees with the rule: only a failure that is retried just with a key (a COMMIT may
     * have landed unseen) reports an unknown outcome; a failure found after the key was checked under the lock is
     * never retried; everything else says nothing was written.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theOutcomeTheCallerIsToldAgreesWithTheRule(Row row) throws Exception {
        SQLException failure = raise(row);
        SqlErrors.Kind kind = SqlErrors.classify(failure).kind();
        Duration timeout = Duration.ofSeconds(30);
        Member member = new Member(new AppendRequest(artifact, PreparedChange.of(Change.put(CodeFile.of("a.txt",
                "a"))), "k", null, timeout, Instant.now().plus(timeout), System.nanoTime()), TimeSource.SYSTEM);

        Outcome told = Failures.translate(failure, member, LIMITS).outcome();

        assertThat(told).as("outcome of %s", row)
                .isEqualTo(kind.retry() == SqlErrors.Retry.WITH_KEY ? Outcome.UNKNOWN : Outcome.NOT_APPLIED);
        if (kind.keyCheckedUnderLock()) {
            assertThat(kind.retry()).as("found under the lock, so a replay must meet it again").isEqualTo(
                    SqlErrors.Retry.NEVER);
        }
    }

    /** Every kind is in the table, so a new kind cannot slip past the rule unchecked. */
    @Test
    void theTableCoversEveryKindAndEveryStrategyKindHasAScope() {
        Set<SqlErrors.Kind> covered = EnumSet.noneOf(SqlErrors.Kind.class);
        rows().forEach(r -> covered.add(r.kind()));
        assertThat(covered).containsExactlyInAnyOrder(SqlErrors.Kind.values());

        Map<String, SqlErrors.RetryScope> scopes = new java.util.TreeMap<>();
        for (StrategyKind k : StrategyKind.values()) {
            scopes.put(k.strategyName(), k.retryScope());
        }
        assertThat(scopes).containsOnlyKeys(Stream.concat(WriteStrategy.lossyBaselineNames().stream(),
                WriteStrategy.names().stream()).toList());
        scopes.forEach((name, scope) -> assertThat(scope).as(name).isEqualTo(
                WriteStrategy.lossyBaselineNames().contains(name) ? SqlErrors.RetryScope.VERSION_CONFLICTS
                        : SqlErrors.RetryScope.SAFE_FAILURES));
    }
}
