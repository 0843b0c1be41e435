package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.chaos.StandbyPair.Replication;
import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fault: the primary of a primary/standby pair stopped immediately mid-run, and the standby promoted. The writers
 * know both servers through one pgjdbc multi-host URL with {@code targetServerType=primary}, so their pool finds the
 * promoted standby by itself. The history is checked on the promoted server.
 */
class FailoverChaosTest {

    private static final int WRITERS = 10;

    @Test
    void noAcknowledgedAppendIsLostWhenTheSynchronousStandbyTakesOver() throws Exception {
        try (Failover failover = new Failover("failover_synchronous", Replication.SYNCHRONOUS)) {
            failover.run(false);

            Scenarios.finish(failover.name, failover.workload, Chaos.STRATEGIES, WRITERS, failover.phase(),
                    failover.artifacts, failover.promoted, Map.of("primaryStoppedImmediately", 1),
                    failover.killToFirstAckMillis, failover.figures);
        }
    }

    /** The same run with asynchronous replication and a standby that lags: the checker must see the loss. */
    @Test
    void aLaggingAsynchronousStandbyLosesAcknowledgedAppendsAndTheCheckerReportsThem() throws Exception {
        try (Failover failover = new Failover("failover_async_lagging", Replication.ASYNCHRONOUS)) {
            failover.run(true);

            Scenarios.Checked checked = Scenarios.check(failover.name, failover.workload, Chaos.STRATEGIES, WRITERS,
                    failover.phase(), failover.artifacts, failover.promoted,
                    Map.of("primaryStoppedImmediately", 1, "walReceiverStopped", 1), failover.killToFirstAckMillis,
                    failover.figures);
            Map<Violation.Rule, Integer> byRule = new TreeMap<>();
            checked.violations().forEach(v -> byRule.merge(v.rule(), 1, Integer::sum));
            System.out.println("[chaos] failover_async_lagging violations by rule: " + byRule);
            assertThat(byRule).as("acknowledged appends the promoted standby never received")
                    .containsKey(Violation.Rule.ACKED_MISSING);
        }
    }

    /** When appends were acknowledged, and when each acknowledged append had begun. Thread-safe. */
    private static final class AckClock implements AppendListener {
        private final ConcurrentLinkedQueue<long[]> acks = new ConcurrentLinkedQueue<>();

        @Override
        public void onSuccess(AppendEvent.Succeeded event) {
            long now = System.nanoTime();
            acks.add(new long[] {now - event.result().elapsed().toNanos(), now});
        }

        /**
         * The first acknowledgement of an append begun at or after {@code nanos}; an append begun earlier may have
         * been acknowledged by the old primary, its acknowledgement only noted after the kill.
         */
        Long firstAckOfAppendBegunAtOrAfter(long nanos) {
            return acks.stream().filter(a -> a[0] >= nanos).map(a -> a[1]).min(Long::compare).orElse(null);
        }
    }

    /** A primary/standby pair, a database on it, writers on the multi-host URL, and the failover itself. */
    private static final class Failover implements AutoCloseable {
        private final String name;
        private final StandbyPair pair;
        private final String database;
        private final HikariDataSource pool;
        private final List<UUID> artifacts;
        private final Workload workload;
        private final AckClock acks = new AckClock();
        private final Map<String, Object> figures = new LinkedHashMap<>();
        private HikariDataSource promoted;
        private Long killToFirstAckMillis;
        private long runMillis;

        Failover(String name, Replication replication) throws Exception {
            this.name = name;
            Path root = Files.createTempDirectory(ChaosReport.target().toAbsolutePath(), "pg-failover-");
            this.pair = StandbyPair.start(root, replication);
            this.database = pair.primary().createDatabase(name).name();
            String url = pair.multiHostUrl(database);
            this.pool = Chaos.pool(url, pair.primary().user(), pair.primary().password(), WRITERS,
                    Duration.ofSeconds(2), name);
            this.artifacts = Chaos.artifacts(pool, name, 3);
            this.workload = Workload.builder(name).stores(Chaos.stores(pool, Chaos.STRATEGIES, Duration.ofSeconds(5),
                    acks)).artifacts(artifacts).writers(WRITERS).duration(Duration.ofMinutes(2))
                    .maxCallsPerOp(40).build(); // stopped below
            figures.put("replication", replication.name().toLowerCase(java.util.Locale.ROOT));
            figures.put("writersUrl", url.replaceAll("localhost:\\d+", "localhost:PORT"));
        }

        /** Writers on the primary, the primary stopped, the standby promoted, writers on it; then the end. */
        void run(boolean stallStandby) throws Exception {
            long started = System.nanoTime();
            Chaos.Running running = Chaos.start(workload, name);
            Thread.sleep(1500);
            if (stallStandby) {
                pair.signalWalReceiver("STOP");
                Thread.sleep(1000);
                figures.put("receiveLagBytesAtKill", pair.receiveLagBytes());
            }
            long killed = pair.killPrimary();
            long promoteMillis;
            if (stallStandby) {
                // promotion asks the stopped receiver to exit; it does so as soon as it runs again, before reading
                // what waits in its socket (on loopback the kernel buffers megabytes, which it would otherwise
                // still read and write: the lag would vanish)
                CompletableFuture<Long> promotion = CompletableFuture.supplyAsync(this::promote);
                Thread.sleep(300);
                pair.signalWalReceiver("CONT");
                promoteMillis = promotion.get(90, TimeUnit.SECONDS);
            } else {
                promoteMillis = promote();
            }
            long promotedAt = System.nanoTime();
            pair.awaitPrimaryGone();
            Long firstAck = null;
            for (int i = 0; i < 3000 && firstAck == null; i++) {
                Thread.sleep(10);
                firstAck = acks.firstAckOfAppendBegunAtOrAfter(killed);
            }
            Thread.sleep(1500);
            running.stop();
            runMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(firstAck).as("an append acknowledged after the failover").isNotNull();
            killToFirstAckMillis = (firstAck - killed) / 1_000_000;
            figures.put("promoteMs", promoteMillis);
            figures.put("killToPromotedMs", (promotedAt - killed) / 1_000_000);
            figures.put("killToFirstAckMs", killToFirstAckMillis);
            promoted = Chaos.pool(pair.standby().jdbcUrl(database), pair.standby().user(),
                    pair.standby().password(), 4, Duration.ofSeconds(20), name + "-check");
        }

        private long promote() {
            try {
                return pair.promoteStandby();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("promotion failed", e);
            }
        }

        Duration phase() {
            return Duration.ofMillis(runMillis);
        }

        @Override
        public void close() throws Exception {
            pool.close();
            if (promoted != null) {
                promoted.close();
            }
            pair.close();
        }
    }
}
