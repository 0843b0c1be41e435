package dev.gapless.core;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.gapless.testkit.PostgresExtension;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quicktheories.core.Gen;

/**
 * The change feed's property under concurrent writers and broken connections: each subscriber, started from a random
 * version before or during the run, sees exactly the versions after its start, once each, in order. Mid-run, the
 * listening connection is terminated ({@code pg_terminate_backend}), then every backend of the database (what a
 * server restart does to clients; the chaos suite's FeedServerRestartChaosTest restarts the server itself).
 */
class ChangeFeedPropertyTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(40);

    private static Gen<FeedWorkload> workloads() {
        return integers().between(2, 8).zip(integers().between(3, 15), integers().between(0, 10),
                integers().between(1, 6), (w, n, before, subs) -> new int[] {w, n, before, subs})
                .zip(longs().all(), (p, seed) -> new FeedWorkload(p[0], p[1], p[2], p[3], seed));
    }

    @Test
    void everySubscriberSeesExactlyTheVersionsAfterItsStartThroughKilledConnections() {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).feedPollInterval(Duration.ofMillis(200))
                .defaultTimeout(Duration.ofSeconds(10)).build();
        Property.forAll(12, workloads(), w -> {
            try {
                w.check(store, ChangeFeedPropertyTest::killListenerThenEveryBackend);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void killListenerThenEveryBackend() throws Exception {
        Thread.sleep(30);
        terminate("application_name = 'gapless-feed'");
        Thread.sleep(30);
        terminate("true");
    }

    private static void terminate(String which) throws Exception {
        try (HikariDataSource ds = PG.newDataSource(1); Connection c = ds.getConnection();
             Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND " + which);
        }
    }
}
