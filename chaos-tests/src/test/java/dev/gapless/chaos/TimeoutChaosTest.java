package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Faults 3 and 4: {@code lock_timeout} / {@code statement_timeout} expiring under a lock hog, and pool exhaustion
 * with many more writers than connections. A timed-out append wrote nothing; its retry with the same key is applied
 * once.
 */
class TimeoutChaosTest {

    @Test
    void expiringLockAndStatementTimeoutsWriteNothingAndRetriesApplyOnce() throws Exception {
        PostgresServer server = PostgresServer.shared();
        Duration phase = Chaos.duration(Duration.ofSeconds(8));
        int writers = 10;
        try (TestDatabase db = server.createDatabase("chaos_timeouts");
             HikariDataSource pool = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), writers + 1,
                     Duration.ofSeconds(5), "chaos-timeouts");
             HikariDataSource healthy = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 4,
                     Duration.ofSeconds(10), "chaos-timeouts-check")) {
            List<UUID> artifacts = Chaos.artifacts(healthy, "chaos-timeouts", 2);
            RetryCounter retries = new RetryCounter();
            Workload workload = Workload.builder("timeouts").stores(Chaos.stores(pool, Chaos.STRATEGIES,
                    Duration.ofSeconds(5), retries)).artifacts(artifacts).writers(writers).duration(phase)
                    .appendTimeout(Duration.ofMillis(150)).maxCallsPerOp(40).build();
            LockHog hog = new LockHog(healthy, artifacts, Duration.ofMillis(300), Duration.ofMillis(250)).start();
            try {
                workload.run();
            } finally {
                hog.close();
            }
            ChaosReport.Scenario figures = Scenarios.finish("lock_and_statement_timeouts", workload,
                    Chaos.STRATEGIES, writers, phase, artifacts, healthy, Map.of("lockHeldPastTimeout", hog.holds()),
                    null, Map.of("storeRetriesByCause", retries.snapshot()));
            int timeouts = figures.failedByClass().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("AppendTimeoutException")).mapToInt(Map.Entry::getValue).sum()
                    + figures.unknownByClass().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("AppendTimeoutException")).mapToInt(Map.Entry::getValue).sum();
            assertThat(timeouts).as("appends that timed out").isPositive();
        }
    }

    @Test
    void poolExhaustionMakesWritersWaitOrFailCleanly() throws Exception {
        PostgresServer server = PostgresServer.shared();
        Duration phase = Chaos.duration(Duration.ofSeconds(6));
        int writers = 32;
        int connections = 4;
        try (TestDatabase db = server.createDatabase("chaos_pool");
             HikariDataSource pool = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), connections,
                     Duration.ofMillis(250), "chaos-pool");
             HikariDataSource healthy = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 4,
                     Duration.ofSeconds(10), "chaos-pool-check")) {
            List<UUID> artifacts = Chaos.artifacts(healthy, "chaos-pool", 3);
            RetryCounter retries = new RetryCounter();
            Workload workload = Workload.builder("pool").stores(Chaos.stores(pool, Chaos.STRATEGIES,
                    Duration.ofSeconds(2), retries)).artifacts(artifacts).writers(writers).duration(phase)
                    .maxCallsPerOp(40).build();
            int[] maxWaiting = {0};
            int[] samplesWithWaiters = {0};
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    int waiting = pool.getHikariPoolMXBean() == null ? 0
                            : pool.getHikariPoolMXBean().getThreadsAwaitingConnection();
                    maxWaiting[0] = Math.max(maxWaiting[0], waiting);
                    if (waiting > 0) {
                        samplesWithWaiters[0]++;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "pool-sampler");
            sampler.start();
            try {
                workload.run();
            } finally {
                sampler.interrupt();
                sampler.join();
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("poolSize", connections);
            extra.put("maxThreadsAwaitingConnection", maxWaiting[0]);
            extra.put("storeRetriesByCause", retries.snapshot());
            Scenarios.finish("pool_exhaustion", workload, Chaos.STRATEGIES, writers, phase, artifacts, healthy,
                    Map.of("poolExhaustedSamples", samplesWithWaiters[0]), null, extra);
        }
    }
}
