package dev.gapless.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one owner of transactions: who sends COMMIT, in which round trip, and what a failure leaves behind. */
class TransactionsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    /** The statements and {@code commit()} calls of one append. */
    private record Sent(List<String> sql, int commits) {
    }

    /** What one append of a new file sends, after the artifact was created. */
    private static Sent oneAppend(WriteStrategy strategy) {
        Recording ds = new Recording(PG.dataSource());
        ArtifactStore store = ArtifactStore.builder(ds).strategy(strategy).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        ds.reset();
        store.append(id, Change.put(CodeFile.of("a.py", "print(1)\n")));
        Sent sent = new Sent(List.copyOf(ds.sent), ds.commits.get());
        assertThat(store.latest(id).orElseThrow().number()).isEqualTo(1);
        return sent;
    }

    @Test
    void aServerFunctionAppendIsOneRoundTripThatCarriesItsOwnCommit() {
        Sent ds = oneAppend(WriteStrategy.serverFunction());

        assertThat(ds.sql()).hasSize(1);
        assertThat(ds.sql().get(0)).startsWith("SET TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE;")
                .contains("gapless_try_append_checked").endsWith(";\nCOMMIT");
        assertThat(ds.commits()).isZero();
    }

    @Test
    void aRowLockAppendSendsCommitOnceAtTheEndOfItsWrite() {
        Sent ds = oneAppend(WriteStrategy.rowLock());

        assertThat(ds.sql()).hasSize(2);
        assertThat(ds.sql().get(0)).startsWith("SET TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE;")
                .doesNotContain("COMMIT;").doesNotEndWith("COMMIT");
        assertThat(ds.sql().get(1)).endsWith(";\nCOMMIT");
        assertThat(ds.sql().stream().filter(sql -> sql.contains("\nCOMMIT"))).hasSize(1);
        assertThat(ds.commits()).isZero();
    }

    @Test
    void aBodyThatReturnsIsCommittedByTheOwnerInItsIsolation() throws Exception {
        try (Connection c = PG.dataSource().getConnection()) {
            String table = "tx_" + UUID.randomUUID().toString().replace("-", "");
            execute(c, "CREATE TABLE " + table + " (n int)");
            List<String> seen = Transactions.inTransaction(c, Transactions.Isolation.REPEATABLE_READ, 0, tx -> {
                execute(tx.connection(), "INSERT INTO " + table + " VALUES (1)");
                return List.of(one(tx.connection(), "SELECT current_setting('transaction_isolation')"),
                        one(tx.connection(), "SELECT current_setting('transaction_read_only')"));
            });
            assertThat(seen).containsExactly("repeatable read", "off");
            assertThat(c.getAutoCommit()).isTrue();
            try (Connection other = PG.dataSource().getConnection()) {
                assertThat(one(other, "SELECT count(*) FROM " + table)).isEqualTo("1");
            }
        }
    }

    @Test
    void aSnapshotReadIsReadOnlyWhateverTheSessionDefault() throws Exception {
        try (Connection c = PG.dataSource().getConnection()) {
            execute(c, "SET default_transaction_isolation = 'serializable'");
            try {
                String level = Transactions.inTransaction(c, Transactions.Isolation.SNAPSHOT_READ, 0,
                        tx -> one(tx.connection(), "SELECT current_setting('transaction_isolation')")
                                + "/" + one(tx.connection(), "SELECT current_setting('transaction_read_only')"));
                assertThat(level).isEqualTo("repeatable read/on");
            } finally {
                execute(c, "RESET default_transaction_isolation");
            }
        }
    }

    @Test
    void aBodyThatFailsIsRolledBackAndTheConnectionLeftInAutocommit() throws Exception {
        try (Connection c = PG.dataSource().getConnection()) {
            String table = "tx_" + UUID.randomUUID().toString().replace("-", "");
            execute(c, "CREATE TABLE " + table + " (n int)");
            assertThatThrownBy(() -> Transactions.inTransaction(c, Transactions.Isolation.READ_COMMITTED, 0, tx -> {
                execute(tx.connection(), "INSERT INTO " + table + " VALUES (1)");
                throw new IllegalStateException("the body failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("the body failed");
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(one(c, "SELECT count(*) FROM " + table)).isEqualTo("0");
        }
    }

    @Test
    void aTransactionEndedByItsScriptsCommitSendsNothingMore() throws Exception {
        try (Connection c = PG.dataSource().getConnection()) {
            String table = "tx_" + UUID.randomUUID().toString().replace("-", "");
            execute(c, "CREATE TABLE " + table + " (n int)");
            assertThatThrownBy(() -> Transactions.inTransaction(c, Transactions.Isolation.READ_COMMITTED, 1000,
                    tx -> {
                        tx.commitWith(new Script().add("INSERT INTO " + table + " VALUES (1)", null));
                        tx.run(new Script().add("INSERT INTO " + table + " VALUES (2)", null));
                        return null;
                    })).isInstanceOf(IllegalStateException.class).hasMessage("the transaction has ended");
            assertThat(one(c, "SELECT string_agg(n::text, ',') FROM " + table)).isEqualTo("1");
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Records every prepared statement's text and every {@code Connection.commit()} call; the rest goes through. */
    private static final class Recording implements DataSource {

        private final DataSource real;
        final List<String> sent = new CopyOnWriteArrayList<>();
        final AtomicInteger commits = new AtomicInteger();

        Recording(DataSource real) {
            this.real = real;
        }

        void reset() {
            sent.clear();
            commits.set(0);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection connection = real.getConnection();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement")) {
                            sent.add(String.valueOf(args[0]));
                        } else if (method.getName().equals("commit")) {
                            commits.incrementAndGet();
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
