package dev.gapless.chaos;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Fault 1: backends terminated with {@code pg_terminate_backend} every ~50 ms while many writers append. */
class BackendTerminationChaosTest {

    @Test
    void terminatedBackendsLoseNoAcknowledgedAppendAndDuplicateNone() throws Exception {
        PostgresServer server = PostgresServer.shared();
        Duration phase = Chaos.duration(Duration.ofSeconds(8));
        int writers = 12;
        try (TestDatabase db = server.createDatabase("chaos_terminate");
             HikariDataSource pool = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), writers,
                     Duration.ofSeconds(5), "chaos-terminate");
             HikariDataSource healthy = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 4,
                     Duration.ofSeconds(10), "chaos-terminate-check")) {
            List<UUID> artifacts = Chaos.artifacts(healthy, "chaos-terminate", 3);
            RetryCounter retries = new RetryCounter();
            Workload workload = Workload.builder("terminate").stores(Chaos.stores(pool, Chaos.STRATEGIES,
                    Duration.ofSeconds(5), retries)).artifacts(artifacts).writers(writers).duration(phase).build();
            BackendKiller killer = new BackendKiller(server.jdbcUrl("postgres"), server.user(), server.password(),
                    db.name(), Duration.ofMillis(50));
            killer.start();
            try {
                workload.run();
            } finally {
                killer.close();
            }
            Scenarios.finish("pg_terminate_backend", workload, Chaos.STRATEGIES, writers, phase, artifacts, healthy,
                    Map.of("backendsTerminated", killer.killed()),
                    null, Map.of("terminatedWhileActiveOrInTransaction", killer.killedInTransaction(),
                            "storeRetriesByCause", retries.snapshot()));
        }
    }
}
