package dev.gapless.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gapless.core.Schema;
import dev.gapless.testkit.PostgresExtension;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Classification by SQLSTATE and constraint, from errors produced by a real server. */
class SqlErrorsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static SQLException fail(String... statements) throws SQLException {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < statements.length - 1; i++) {
                s.execute(statements[i]);
            }
            return catchThrowableOfType(SQLException.class, () -> s.execute(statements[statements.length - 1]));
        }
    }

    private static String artifactWithVersionOne() throws SQLException {
        String id = UUID.randomUUID().toString();
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO artifacts (id, chat_id, type) VALUES ('" + id + "', '" + id + "', 'code')");
            s.execute("INSERT INTO artifact_versions (artifact_id, version_number, file_count, change_json,"
                    + " change_summary, idempotency_key) VALUES ('" + id + "', 1, 0, '{}', 's', 'k1')");
        }
        return id;
    }

    @Test
    void duplicateVersionIsAConflictAndDuplicateKeyIsAlreadyApplied() throws Exception {
        String id = artifactWithVersionOne();
        SQLException version = fail("INSERT INTO artifact_versions (artifact_id, version_number, file_count,"
                + " change_json, change_summary) VALUES ('" + id + "', 1, 0, '{}', 's')");
        SQLException key = fail("INSERT INTO artifact_versions (artifact_id, version_number, file_count,"
                + " change_json, change_summary, idempotency_key) VALUES ('" + id + "', 2, 0, '{}', 's', 'k1')");

        assertThat(SqlErrors.classify(version)).isEqualTo(new SqlErrors.Classified(SqlErrors.Kind.VERSION_CONFLICT,
                "23505", SqlErrors.VERSION_CONSTRAINT));
        assertThat(SqlErrors.classify(version).isConflict()).isTrue();
        assertThat(SqlErrors.classify(key)).isEqualTo(new SqlErrors.Classified(SqlErrors.Kind.ALREADY_APPLIED,
                "23505", SqlErrors.IDEMPOTENCY_CONSTRAINT));
        assertThat(SqlErrors.classify(key).isConflict()).isFalse();
    }

    /**
     * Found by KeyedRejectionReplayTest on the {@code retry} strategy: its counters, computed from a read a commit
     * overtook, went below zero, and the append failed as a storage error instead of being retried as the lost race
     * it is.
     */
    @Test
    void aCounterBelowZeroIsAVersionConflictAndAnotherCheckIsNot() throws Exception {
        String id = artifactWithVersionOne();
        SQLException counter = fail("UPDATE artifacts SET file_count = -1 WHERE id = '" + id + "'");
        SQLException other = fail("UPDATE artifacts SET head_version = -1 WHERE id = '" + id + "'");

        assertThat(SqlErrors.classify(counter)).isEqualTo(new SqlErrors.Classified(SqlErrors.Kind.VERSION_CONFLICT,
                "23514", "artifacts_file_count_check"));
        assertThat(SqlErrors.classify(other).kind()).isEqualTo(SqlErrors.Kind.OTHER);
    }

    @Test
    void anUnrelatedUniqueViolationIsNotRetried() throws Exception {
        SQLException other = fail("CREATE TEMP TABLE t (x int UNIQUE)", "INSERT INTO t VALUES (1)",
                "INSERT INTO t VALUES (1)");
        assertThat(SqlErrors.classify(other).kind()).isEqualTo(SqlErrors.Kind.OTHER);
        assertThat(SqlErrors.classify(other).sqlState()).isEqualTo("23505");
    }

    @Test
    void timeoutsForeignKeysAndSerializationAreRecognised() throws Exception {
        assertThat(SqlErrors.classify(fail("SET statement_timeout = 50", "SELECT pg_sleep(2)")).kind())
                .isEqualTo(SqlErrors.Kind.STATEMENT_TIMEOUT);
        assertThat(SqlErrors.classify(fail("INSERT INTO artifact_versions (artifact_id, version_number,"
                + " file_count, change_json, change_summary) VALUES (gen_random_uuid(), 1, 0, '{}', 's')"))
                .kind()).isEqualTo(SqlErrors.Kind.NO_SUCH_ARTIFACT);
        assertThat(SqlErrors.classify(fail("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001'; END $$")).kind())
                .isEqualTo(SqlErrors.Kind.SERIALIZATION_FAILURE);
        assertThat(SqlErrors.classify(fail("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01'; END $$")).kind())
                .isEqualTo(SqlErrors.Kind.DEADLOCK);
        assertThat(SqlErrors.classify(fail("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '55P03'; END $$")).kind())
                .isEqualTo(SqlErrors.Kind.LOCK_TIMEOUT);
    }

    @Test
    void theRealErrorIsFoundBehindWrappersAndBatchChainsNotTheAbortedTransactionEcho() throws Exception {
        String id = artifactWithVersionOne();
        SQLException conflict = fail("INSERT INTO artifact_versions (artifact_id, version_number, file_count,"
                + " change_json, change_summary) VALUES ('" + id + "', 1, 0, '{}', 's')");
        BatchUpdateException batch = new BatchUpdateException("batch failed", "25P02", new int[0]);
        batch.setNextException(conflict);
        assertThat(SqlErrors.classify(batch).kind()).isEqualTo(SqlErrors.Kind.VERSION_CONFLICT);
        assertThat(SqlErrors.classify(new RuntimeException(new RuntimeException(conflict))).kind())
                .isEqualTo(SqlErrors.Kind.VERSION_CONFLICT);
        assertThat(SqlErrors.classify(new SQLTransientConnectionException("gone", "08006")).kind())
                .isEqualTo(SqlErrors.Kind.CONNECTION);
        assertThat(SqlErrors.classify(new SQLException("admin shutdown", "57P01")).kind())
                .isEqualTo(SqlErrors.Kind.CONNECTION);
        assertThat(SqlErrors.classify(new IllegalStateException("no sql")).kind()).isEqualTo(SqlErrors.Kind.OTHER);
    }

    /** Issue 22 item 3: one rule decides what a writer retries, and a configuration no retry can fix is not retried. */
    @Test
    void oneRuleDecidesWhatIsRetriedAndAConfigurationErrorIsNot() throws Exception {
        SQLException login = new SQLException("password authentication failed for user \"x\"", "28P01");
        // HikariCP's timeout copies the pool's last failure's state and chains it as the next exception
        SQLTransientConnectionException hikari = new SQLTransientConnectionException(
                "pool - Connection is not available, request timed out after 1000ms", "28P01", login);
        hikari.setNextException(login);
        SqlErrors.Classified refusedLogin = SqlErrors.classify(new SqlErrors.NoConnectionException(hikari, false));
        assertThat(refusedLogin.kind()).isEqualTo(SqlErrors.Kind.CONFIGURATION);
        assertThat(refusedLogin.retryable(SqlErrors.RetryScope.SAFE_FAILURES, true)).isFalse();

        SqlErrors.Classified poolTimeout = SqlErrors.classify(new SqlErrors.NoConnectionException(
                new SQLTransientConnectionException("pool - Connection is not available", (String) null), false));
        assertThat(poolTimeout.kind()).isEqualTo(SqlErrors.Kind.NO_CONNECTION);
        assertThat(poolTimeout.retryable(SqlErrors.RetryScope.SAFE_FAILURES, false)).isTrue();

        SQLException refused = new SQLException("Connection to 127.0.0.1:1 refused", "08001");
        assertThat(SqlErrors.classify(new SqlErrors.NoConnectionException(refused, true)).kind())
                .as("refused before any connection was had: a wrong host or port")
                .isEqualTo(SqlErrors.Kind.CONFIGURATION);
        assertThat(SqlErrors.classify(new SqlErrors.NoConnectionException(refused, false)).kind())
                .as("refused after connections were had: a server restarting").isEqualTo(SqlErrors.Kind.NO_CONNECTION);

        SqlErrors.Classified lost = SqlErrors.classify(new SQLException("connection reset", "08006"));
        assertThat(lost.retryable(SqlErrors.RetryScope.SAFE_FAILURES, true)).as("a lost COMMIT is retried only with a key").isTrue();
        assertThat(lost.retryable(SqlErrors.RetryScope.SAFE_FAILURES, false)).isFalse();
        SqlErrors.Classified deadlock = SqlErrors.classify(new SQLException("deadlock", "40P01"));
        assertThat(deadlock.retryable(SqlErrors.RetryScope.SAFE_FAILURES, false)).isTrue();
        assertThat(deadlock.retryable(SqlErrors.RetryScope.VERSION_CONFLICTS, false)).as("the baselines retry only version collisions").isFalse();
        assertThat(SqlErrors.classify(fail("SELECT * FROM no_such_table_here")).kind())
                .isEqualTo(SqlErrors.Kind.CONFIGURATION);
        assertThat(SqlErrors.describe(new RuntimeException(fail("SELECT * FROM no_such_table_here")), "42P01"))
                .isEqualTo("relation \"no_such_table_here\" does not exist");
    }
}
