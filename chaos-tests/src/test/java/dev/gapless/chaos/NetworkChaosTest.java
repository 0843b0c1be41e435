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
 * Faults 5 and the network: through a {@link LoopbackProxy}, COMMITs made ambiguous (relayed and committed with
 * the reply lost, or never relayed), latency, and every connection reset at once.
 */
class NetworkChaosTest {

    @Test
    void ambiguousCommitsAreResolvedByTheIdempotencyKey() throws Exception {
        runThroughProxy("ambiguous_commit", proxy -> proxy.ambiguousCommits(0.08, true), 0);
    }

    @Test
    void latencyAndConnectionResetsLoseNothing() throws Exception {
        runThroughProxy("latency_and_resets", proxy -> proxy.latency(Duration.ofMillis(2)), 700);
    }

    private void runThroughProxy(String name, java.util.function.Consumer<LoopbackProxy> faults,
                                 long resetEveryMillis) throws Exception {
        PostgresServer server = PostgresServer.shared();
        Duration phase = Chaos.duration(Duration.ofSeconds(8));
        int writers = 10;
        try (TestDatabase db = server.createDatabase("chaos_" + name);
             LoopbackProxy proxy = new LoopbackProxy("localhost", Chaos.port(db.jdbcUrl()));
             HikariDataSource pool = Chaos.pool(proxy.jdbcUrl(db.name()), server.user(), server.password(), writers,
                     Duration.ofSeconds(5), "chaos-" + name);
             HikariDataSource healthy = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 4,
                     Duration.ofSeconds(10), "chaos-" + name + "-check")) {
            List<UUID> artifacts = Chaos.artifacts(healthy, "chaos-" + name, 3);
            RetryCounter retries = new RetryCounter();
            Workload workload = Workload.builder(name).stores(Chaos.stores(pool, Chaos.STRATEGIES,
                    Duration.ofSeconds(5), retries)).artifacts(artifacts).writers(writers).duration(phase).build();
            faults.accept(proxy);
            Thread resetter = null;
            if (resetEveryMillis > 0) {
                resetter = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            Thread.sleep(resetEveryMillis);
                        } catch (InterruptedException e) {
                            return;
                        }
                        proxy.resetAll();
                    }
                }, "proxy-resetter");
                resetter.setDaemon(true);
                resetter.start();
            }
            try {
                workload.run();
            } finally {
                if (resetter != null) {
                    resetter.interrupt();
                    resetter.join();
                }
                proxy.ambiguousCommits(0, false);
                proxy.latency(Duration.ZERO);
            }
            Map<String, Integer> injected = new LinkedHashMap<>();
            if (resetEveryMillis > 0) {
                injected.put("connectionsReset", proxy.resets());
            } else {
                injected.put("commitRepliesLost", proxy.commitRepliesLost());
                injected.put("commitsNeverSent", proxy.commitsNeverSent());
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("commitsSeenByProxy", proxy.commitsSeen());
            extra.put("proxyConnections", proxy.connections());
            extra.put("storeRetriesByCause", retries.snapshot());
            Scenarios.finish(name, workload, Chaos.STRATEGIES, writers, phase, artifacts, healthy, injected, null,
                    extra);
            if (resetEveryMillis == 0) {
                assertThat(proxy.commitRepliesLost()).as("COMMITs that landed with their reply lost").isPositive();
            }
        }
    }
}
