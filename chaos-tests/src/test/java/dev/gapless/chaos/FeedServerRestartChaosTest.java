package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.FeedSubscription;
import dev.gapless.core.GaplessException;
import dev.gapless.core.Schema;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The change feed across real server restarts ({@code pg_ctl stop -m immediate}, then start on the same data
 * directory, behind a loopback proxy so the port stays): writers keep appending (retrying with their idempotency
 * keys), subscribers start from random versions before and between the restarts, and each ends with exactly the
 * versions after its start, once each, in order. Its listening connection dies with the server and comes back.
 */
class FeedServerRestartChaosTest {

    private static final int WRITERS = 6;
    private static final int APPENDS = 25;

    @Test
    void subscribersSeeEveryVersionOnceInOrderAcrossServerRestarts() throws Exception {
        Path dir = Files.createTempDirectory(ChaosReport.target().toAbsolutePath(), "pg-feed-restart-");
        AtomicReference<PostgresServer> server = new AtomicReference<>(PostgresServer.embedded(dir, true));
        try {
            TestDatabase db = server.get().createDatabase("chaos_feed");
            try (LoopbackProxy proxy = new LoopbackProxy("localhost", Chaos.port(db.jdbcUrl()));
                 HikariDataSource pool = Chaos.pool(proxy.jdbcUrl(db.name()), server.get().user(),
                         server.get().password(), WRITERS + 4, Duration.ofSeconds(2), "chaos-feed")) {
                Schema.apply(pool);
                ArtifactStore store = ArtifactStore.builder(pool).feedPollInterval(Duration.ofMillis(200))
                        .defaultTimeout(Duration.ofSeconds(5)).build();
                Artifact artifact = store.getOrCreate("chaos-feed", "code", "feed");
                Random random = new Random(24);
                List<Integer> starts = new ArrayList<>();
                List<List<Integer>> seen = new ArrayList<>();
                List<FeedSubscription> subscriptions = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    follow(store, artifact, random.nextInt(3), starts, seen, subscriptions);
                }
                ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    running.add(writers.submit(() -> {
                        for (int i = 0; i < APPENDS; i++) {
                            landOnce(store, artifact, "w" + writer + "-" + i);
                            Thread.sleep(20);
                        }
                        return null;
                    }));
                }
                for (int restart = 0; restart < 2; restart++) {
                    Thread.sleep(700);
                    server.set(ServerRestarts.restart(server.get(), dir));
                    proxy.retarget(Chaos.port(server.get().jdbcUrl("postgres")));
                    follow(store, artifact, random.nextInt(WRITERS * APPENDS / 3), starts, seen, subscriptions);
                }
                for (Future<?> f : running) {
                    f.get(180, TimeUnit.SECONDS);
                }
                writers.shutdownNow();
                int head = WRITERS * APPENDS;
                for (int i = 0; i < seen.size(); i++) {
                    List<Integer> versions = seen.get(i);
                    int expected = head - starts.get(i);
                    for (int t = 0; t < 1500 && size(versions) < expected; t++) {
                        Thread.sleep(20);
                    }
                    subscriptions.get(i).close();
                    synchronized (versions) {
                        assertThat(versions).as("subscriber %d from version %d", i, starts.get(i))
                                .isEqualTo(IntStream.rangeClosed(starts.get(i) + 1, head).boxed().toList());
                    }
                }
                assertThat(store.files(artifact.id()).version()).isEqualTo(head);
                System.out.println("[chaos] feed_server_restart: 2 immediate restarts, " + seen.size()
                        + " subscribers, " + head + " versions, each seen once in order");
            }
        } finally {
            server.get().close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void follow(ArtifactStore store, Artifact artifact, int start, List<Integer> starts,
                               List<List<Integer>> seen, List<FeedSubscription> subscriptions) {
        List<Integer> versions = new ArrayList<>();
        starts.add(start);
        seen.add(versions);
        subscriptions.add(store.feed().subscribe(artifact.id(), start, e -> {
            synchronized (versions) {
                versions.add(e.version());
            }
        }));
    }

    private static int size(List<Integer> versions) {
        synchronized (versions) {
            return versions.size();
        }
    }

    /** One append that lands exactly once: retried with its key while the server is away. */
    private static void landOnce(ArtifactStore store, Artifact artifact, String key) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                store.append(artifact.id(), Change.put(CodeFile.of(key + ".txt", key)),
                        AppendOptions.defaults().withIdempotencyKey(key));
                return;
            } catch (GaplessException e) {
                if (attempt >= 600) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
