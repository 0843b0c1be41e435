package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fault 2: the server stopped immediately (no shutdown checkpoint) mid-run and started again on the same data
 * directory, on another port; the writers keep one address through a {@link LoopbackProxy} that is re-targeted.
 * Acknowledged appends must survive crash recovery ({@code synchronous_commit=on}).
 */
class ServerRestartChaosTest {

    @Test
    void acknowledgedAppendsSurviveImmediateRestarts() throws Exception {
        Duration phase = Chaos.duration(Duration.ofSeconds(10));
        int restarts = Chaos.soak() ? Math.max(2, (int) (phase.toSeconds() / 30)) : 2;
        int writers = 10;
        Path dir = Files.createTempDirectory(ChaosReport.target().toAbsolutePath(), "pg-restart-");
        AtomicReference<PostgresServer> server = new AtomicReference<>(PostgresServer.embedded(dir, true));
        String dbName;
        try {
            TestDatabase db = server.get().createDatabase("chaos_restart");
            dbName = db.name();
            String user = server.get().user();
            String password = server.get().password();
            try (LoopbackProxy proxy = new LoopbackProxy("localhost", Chaos.port(db.jdbcUrl()));
                 HikariDataSource pool = Chaos.pool(proxy.jdbcUrl(dbName), user, password, writers,
                         Duration.ofSeconds(2), "chaos-restart");
                 HikariDataSource healthy = Chaos.pool(proxy.jdbcUrl(dbName), user, password, 4,
                         Duration.ofSeconds(20), "chaos-restart-check")) {
                List<UUID> artifacts = Chaos.artifacts(healthy, "chaos-restart", 3);
                RetryCounter retries = new RetryCounter();
                Workload workload = Workload.builder("restart").stores(Chaos.stores(pool, Chaos.STRATEGIES,
                        Duration.ofSeconds(5), retries)).artifacts(artifacts).writers(writers)
                        .duration(phase.plusMinutes(2)).maxCallsPerOp(20).build(); // stopped below
                Chaos.Running running = Chaos.start(workload, "restart");
                List<Long> downtimes = new ArrayList<>();
                List<Long> recoveries = new ArrayList<>();
                long slice = phase.toMillis() / (restarts + 1);
                for (int i = 0; i < restarts; i++) {
                    Thread.sleep(slice);
                    long stopAt = System.nanoTime();
                    server.set(ServerRestarts.restart(server.get(), dir));
                    long upAt = System.nanoTime();
                    proxy.retarget(Chaos.port(server.get().jdbcUrl("postgres")));
                    downtimes.add((upAt - stopAt) / 1_000_000);
                    Long firstAck = null;
                    for (int w = 0; w < 3000 && firstAck == null; w++) {
                        Thread.sleep(10);
                        firstAck = workload.firstAckAtOrAfter(upAt);
                    }
                    recoveries.add(firstAck == null ? -1 : (firstAck - upAt) / 1_000_000);
                }
                Thread.sleep(slice);
                running.stop();
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("restartDowntimeMs", downtimes);
                extra.put("recoveryMsPerRestart", recoveries);
                extra.put("proxyConnectionsRefused", proxy.refused());
                extra.put("storeRetriesByCause", retries.snapshot());
                Scenarios.finish("server_restart", workload, Chaos.STRATEGIES, writers, phase, artifacts, healthy,
                        Map.of("immediateRestarts", restarts), recoveries.stream().max(Long::compare).orElse(null),
                        extra);
                assertThat(recoveries).as("every restart was followed by an acknowledged append")
                        .allMatch(r -> r >= 0);
            }
        } finally {
            server.get().close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
