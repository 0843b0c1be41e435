package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.cli.race.Race;
import dev.gapless.cli.race.RaceFiles;
import dev.gapless.cli.race.RaceRun;
import dev.gapless.testkit.PgBouncer;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.RequiresPgBouncer;
import dev.gapless.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The writers behind a real PgBouncer in transaction pooling mode, with fewer server connections than writers, so
 * that every transaction may run on another server connection, one another client used last. Each scenario has its
 * own database, hence its own server connections: what one scenario leaves in a session stays in it.
 */
@RequiresPgBouncer
class PgBouncerChaosTest {

    private static final int WRITERS = 12;
    private static final int SERVER_CONNECTIONS = 6;

    private static PgBouncer bouncer;

    @BeforeAll
    static void startPgBouncer() {
        bouncer = PgBouncer.inFrontOf(PostgresServer.shared()).poolSize(SERVER_CONNECTIONS).start();
    }

    @AfterAll
    static void stopPgBouncer() {
        if (bouncer != null) {
            bouncer.close();
        }
    }

    /** Server connections terminated under PgBouncer while the writers append through it. */
    @Test
    void everyStrategyKeepsItsInvariantsBehindPgBouncer() throws Exception {
        List<String> strategies = Chaos.STRATEGIES;
        try (Scenario s = new Scenario("pgbouncer_transaction_pool")) {
            Workload workload = s.workload(strategies);
            BackendKiller killer = s.killer();
            try (killer) {
                workload.run();
            }
            s.finish(workload, strategies, Map.of("serverConnectionsTerminated", killer.killed()), Map.of());
        }
    }

    /**
     * The serializable strategy's transactions really run at SERIALIZABLE behind PgBouncer: a trigger records each
     * version's transaction isolation.
     */
    @Test
    void serializableAppendsRunAtSerializableBehindPgBouncer() throws Exception {
        try (Scenario s = new Scenario("pgbouncer_serializable")) {
            IsolationRecorder recorder = IsolationRecorder.install(s.healthy);
            Workload workload = s.workload(Chaos.STRATEGIES);
            BackendKiller killer = s.killer();
            try (killer) {
                workload.run();
            }
            // before the unresolved appends are called again through the row-lock resolver
            Map<String, Map<String, Integer>> byStrategy = recorder.byStrategy(workload.records());
            s.finish(workload, Chaos.STRATEGIES, Map.of("serverConnectionsTerminated", killer.killed()),
                    Map.of("isolationByStrategy", byStrategy));
            assertThat(byStrategy.get("serializable")).as("isolation of the serializable strategy's versions")
                    .isNotEmpty().containsOnlyKeys("serializable");
        }
    }

    /**
     * The race (32 parallel add_code_file calls through the executor, 6 server connections) of every strategy, one
     * after the other through the same PgBouncer, as {@code gapless race --jdbc-url} runs it; {@code serializable}
     * first, so that whatever it leaves in the sessions reaches all the others. Regression: when core set isolation
     * with pgjdbc's setTransactionIsolation (SET SESSION CHARACTERISTICS), it left them SERIALIZABLE, and a later
     * strategy's get-or-create (the executor's, on every call) failed with 40001.
     */
    @Test
    void noStrategyFailsAnAppendInTheRaceThroughPgBouncer() throws Exception {
        try (TestDatabase db = bouncer.server().createDatabase("race_through_bouncer");
             HikariDataSource pool = Chaos.pool(db.jdbcUrl(), PostgresServer.shared().user(),
                     PostgresServer.shared().password(), 32, Duration.ofSeconds(30), "race")) {
            Schema.apply(pool);
            List<String> strategies = new ArrayList<>(List.of("serializable"));
            strategies.addAll(WriteStrategy.lossyBaselineNames()); // by their explicit name, for comparison
            WriteStrategy.names().stream().filter(s -> !s.equals("serializable")).forEach(strategies::add);
            for (String strategy : strategies) {
                RaceRun run = Race.run(pool, WriteStrategy.lossyBaselineNames().contains(strategy)
                        ? WriteStrategy.lossyBaseline(strategy) : WriteStrategy.named(strategy), RaceFiles.first(32));
                System.out.printf("[race through PgBouncer] %s: %d created, %d lost, %d retries, failures %s%n",
                        strategy, run.created(), run.lost(), run.retries(), run.failuresByType());
                if (!strategy.equals("naive") && !strategy.equals("seed-retry")) {
                    assertThat(run.failuresByType()).as(strategy).isEmpty();
                    assertThat(run.lost()).as(strategy).isZero();
                    assertThat(run.versions()).as(strategy).isEqualTo(32);
                }
            }
        }
    }

    /**
     * Another application on the same PgBouncer pool keeps leaving its sessions SERIALIZABLE (what pgjdbc's
     * setTransactionIsolation does); meanwhile the writers append and racers get-or-create the same new artifacts.
     */
    @Test
    void sessionsLeftSerializableByAnotherClientChangeNothing() throws Exception {
        try (Scenario s = new Scenario("pgbouncer_leaked_sessions")) {
            Workload workload = s.workload(Chaos.STRATEGIES);
            ArtifactStore creatorStore = ArtifactStore.builder(s.pool).defaultTimeout(Duration.ofSeconds(10)).build();
            SessionLeaker leaker = new SessionLeaker(s.db.jdbcUrl(), s.user(), s.password());
            GetOrCreateRacer racer = new GetOrCreateRacer(creatorStore, 4);
            try (leaker; racer) {
                leaker.start();
                racer.start();
                workload.run();
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("getOrCreateRounds", racer.rounds());
            extra.put("getOrCreateFailures", racer.failures());
            s.finish(workload, Chaos.STRATEGIES, Map.of("sessionsLeftSerializable", leaker.leaks()), extra);
            assertThat(racer.rounds()).as("get-or-create rounds").isPositive();
            assertThat(racer.failures()).as("failed get-or-create calls by error class").isEmpty();
            assertThat(racer.disagreements()).as("rounds whose racers got different artifacts").isEmpty();
        }
    }

    /** One scenario's database through PgBouncer, the writers' pool and a pool for the checker. */
    private static final class Scenario implements AutoCloseable {
        private final String name;
        private final TestDatabase db;
        private final HikariDataSource pool;
        private final HikariDataSource healthy;
        private final List<UUID> artifacts;
        private final RetryCounter retries = new RetryCounter();
        private final Duration phase = Chaos.duration(Duration.ofSeconds(5));

        Scenario(String name) {
            this.name = name;
            this.db = bouncer.server().createDatabase("chaos_" + name);
            this.pool = Chaos.pool(db.jdbcUrl(), user(), password(), WRITERS, Duration.ofSeconds(5), name);
            this.healthy = Chaos.pool(db.jdbcUrl(), user(), password(), 2, Duration.ofSeconds(20), name + "-check");
            this.artifacts = Chaos.artifacts(healthy, name, 3);
        }

        String user() {
            return PostgresServer.shared().user();
        }

        String password() {
            return PostgresServer.shared().password();
        }

        Workload workload(List<String> strategies) {
            return Workload.builder(name).stores(Chaos.stores(pool, strategies, Duration.ofSeconds(5), retries))
                    .artifacts(artifacts).writers(WRITERS).duration(phase).build();
        }

        /** Terminates a random server connection of the database (behind PgBouncer) every 100 ms. */
        BackendKiller killer() {
            PostgresServer server = PostgresServer.shared();
            return new BackendKiller(server.jdbcUrl("postgres"), server.user(), server.password(), db.name(),
                    Duration.ofMillis(100)).start();
        }

        void finish(Workload workload, List<String> strategies, Map<String, Integer> faults,
                    Map<String, Object> extra) {
            Map<String, Object> all = new LinkedHashMap<>(extra);
            all.put("pgbouncerServerConnections", SERVER_CONNECTIONS);
            all.put("storeRetriesByCause", retries.snapshot());
            Scenarios.finish(name, workload, strategies, WRITERS, phase, artifacts, healthy, faults, null, all);
        }

        @Override
        public void close() {
            pool.close();
            healthy.close();
            db.close();
        }
    }

    /** A trigger that notes the transaction isolation each version was inserted at. */
    private static final class IsolationRecorder {
        private final javax.sql.DataSource dataSource;

        private IsolationRecorder(javax.sql.DataSource dataSource) {
            this.dataSource = dataSource;
        }

        static IsolationRecorder install(javax.sql.DataSource dataSource) throws Exception {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE chaos_isolation (artifact_id uuid, version_number int, isolation text)");
                s.execute("CREATE FUNCTION chaos_note_isolation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO chaos_isolation VALUES (NEW.artifact_id, NEW.version_number,"
                        + " current_setting('transaction_isolation')); RETURN NEW; END $$");
                s.execute("CREATE TRIGGER chaos_note_isolation AFTER INSERT ON artifact_versions"
                        + " FOR EACH ROW EXECUTE FUNCTION chaos_note_isolation()");
            }
            return new IsolationRecorder(dataSource);
        }

        /** For the appends the writers saw acknowledged: strategy -> isolation -> versions. */
        Map<String, Map<String, Integer>> byStrategy(List<AppendRecord> records) throws Exception {
            Map<String, String> isolation = new HashMap<>();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT artifact_id, version_number, isolation FROM chaos_isolation")) {
                while (rs.next()) {
                    isolation.put(rs.getString(1) + "/" + rs.getInt(2), rs.getString(3));
                }
            }
            Map<String, Map<String, Integer>> out = new TreeMap<>();
            for (AppendRecord r : records) {
                if (r.last() instanceof Outcome.Acked a) {
                    String level = isolation.getOrDefault(r.artifactId() + "/" + a.version(), "unrecorded");
                    out.computeIfAbsent(r.strategy(), k -> new TreeMap<>()).merge(level, 1, Integer::sum);
                }
            }
            return out;
        }
    }
}
