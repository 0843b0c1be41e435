package dev.gapless.chaos;

import dev.gapless.core.AppendOptions;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.core.StorageException;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PgBouncer;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two behaviours of core that PgBouncer's transaction pooling needs, each probed once per JVM on a real server.
 * The tests that need them skip, naming the missing one, until they are there, and run by themselves from then on.
 */
final class CoreFixes {

    /** The assumption message of tests that need {@link #isolationSetInsideTransaction()}. */
    static final String ISOLATION_INSIDE_TRANSACTION = "waits on the core fix that sets the isolation level inside "
            + "each transaction (SET TRANSACTION ISOLATION LEVEL as its first statement): core calls pgjdbc's "
            + "setTransactionIsolation, which sends SET SESSION CHARACTERISTICS outside the transaction; behind "
            + "PgBouncer in transaction mode that lands on another server connection, so serializable appends can "
            + "run at READ COMMITTED and other clients' sessions are left SERIALIZABLE";

    /** The assumption message of tests that need {@link #getOrCreateSurvivesSerializationFailures()}. */
    static final String GET_OR_CREATE_RETRIES_40001 = "waits on the core fix that retries get-or-create on 40001: in "
            + "a session left SERIALIZABLE (behind PgBouncer, by another client), INSERT ... ON CONFLICT DO NOTHING "
            + "fails with 40001 when a concurrent creator commits first, and getOrCreate throws it";

    private static Boolean isolation;
    private static Boolean getOrCreate;

    private CoreFixes() {
    }

    /**
     * Whether a serializable append leaves the session's own settings alone. Behind PgBouncer with one server
     * connection, a client sets that connection's default to REPEATABLE READ; a serializable append follows; the
     * default must still be REPEATABLE READ (SET SESSION CHARACTERISTICS from pgjdbc's setTransactionIsolation and
     * its reset would leave READ COMMITTED). Needs PgBouncer; callers check {@link PgBouncer#installed()} first.
     */
    static synchronized boolean isolationSetInsideTransaction() throws Exception {
        if (isolation == null) {
            PostgresServer server = PostgresServer.shared();
            try (PgBouncer bouncer = PgBouncer.inFrontOf(server).poolSize(1).start();
                 TestDatabase db = bouncer.server().createDatabase("probe_isolation")) {
                DataSource unpooled = unpooled(db.jdbcUrl(), server, null); // a pool would set isolation itself
                Schema.apply(unpooled);
                execute(unpooled, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                ArtifactStore store = ArtifactStore.builder(unpooled).strategy(WriteStrategy.named("serializable"))
                        .build();
                Artifact artifact = store.getOrCreate("probe", "code", "probe");
                store.append(artifact.id(), Change.put(new CodeFile("probe.txt", "text", "probe", "probe")),
                        AppendOptions.defaults().withIdempotencyKey("probe"));
                isolation = "repeatable read".equals(query(unpooled, "SHOW default_transaction_isolation"));
            }
        }
        return isolation;
    }

    /**
     * Whether getOrCreate returns the artifact a concurrent creator committed while the call waited for it, in a
     * session whose default isolation is SERIALIZABLE (there the INSERT ... ON CONFLICT DO NOTHING fails with 40001,
     * since the other row is not in its snapshot).
     */
    static synchronized boolean getOrCreateSurvivesSerializationFailures() throws Exception {
        if (getOrCreate == null) {
            PostgresServer server = PostgresServer.shared();
            try (TestDatabase db = server.createDatabase("probe_get_or_create")) {
                Schema.apply(db.dataSource());
                DataSource serializable = unpooled(db.jdbcUrl(), server, "-c default_transaction_isolation=serializable");
                ArtifactStore store = ArtifactStore.create(serializable);
                try (Connection creator = db.dataSource().getConnection()) {
                    creator.setAutoCommit(false);
                    UUID id;
                    try (PreparedStatement insert = creator.prepareStatement("INSERT INTO artifacts (chat_id, type,"
                            + " title) VALUES ('probe', 'code', 'probe') RETURNING id");
                         ResultSet rs = insert.executeQuery()) {
                        rs.next();
                        id = rs.getObject(1, UUID.class);
                    }
                    CompletableFuture<Artifact> call = CompletableFuture.supplyAsync(
                            () -> store.getOrCreate("probe", "code", "probe"));
                    awaitLockWait(db.dataSource(), db.name());
                    creator.commit();
                    try {
                        getOrCreate = call.get(30, TimeUnit.SECONDS).id().equals(id);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof StorageException s && s.sqlState().orElse("").equals("40001"))) {
                            throw e;
                        }
                        getOrCreate = false;
                    }
                }
            }
        }
        return getOrCreate;
    }

    /** Waits until a backend of {@code database} waits for a lock (the get-or-create behind the open insert). */
    private static void awaitLockWait(DataSource dataSource, String database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE datname = ? AND wait_event_type = 'Lock'")) {
                s.setString(1, database);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the probe's get-or-create never waited for the concurrent insert");
    }

    private static DataSource unpooled(String jdbcUrl, PostgresServer server, String options) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        ds.setUser(server.user());
        ds.setPassword(server.password());
        if (options != null) {
            ds.setOptions(options);
        }
        return ds;
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
