package dev.gapless.benchmarks;

import dev.gapless.core.AppendOptions;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.FeedSubscription;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The change feed under load, a documented load run rather than a JMH benchmark (a latency is measured between two
 * threads, which JMH does not do): 16 writers append to artifacts for a few seconds while subscribers follow them.
 * Commit-to-subscriber latency is the time from an append's return in its writer (after COMMIT) to the delivery of
 * that version to a subscriber, taken at 0 when the subscriber was first. Also the append throughput of 16 writers on
 * one artifact with the feed's trigger and a listening subscriber against the trigger skipped
 * ({@code gapless.feed_notify = off}) and no subscriber, alternated to share the machine's noise.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.FeedLoad [seconds per run]}
 * (default 8). Prints Markdown tables.
 */
public final class FeedLoad {

    private static final int WRITERS = 16;

    private FeedLoad() {
    }

    /** A run's outcome. */
    record Run(long appends, double seconds, long[] latenciesNanos) {
        double perSecond() {
            return appends / seconds;
        }

        String percentile(double p) {
            if (latenciesNanos.length == 0) {
                return "-";
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            long v = sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
            return String.format("%.1f", v / 1e6);
        }
    }

    /**
     * Runs every scenario and prints the tables.
     *
     * @param args optional: seconds per run
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 8);
        try (BenchDatabase db = BenchDatabase.create("feed", WRITERS + 4)) {
            System.out.println("| scenario | appends/s | deliveries | p50 ms | p99 ms | max ms |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            print("16 writers, 1 artifact, 1 subscriber", latency(db, run, 1, 1, true));
            print("16 writers, 1 artifact, 100 subscribers", latency(db, run, 1, 100, true));
            print("16 writers, 1,000 artifacts, 1 subscriber each", latency(db, run, 1000, 1, true));
            print("16 writers, 1 artifact, 1 subscriber, LISTEN off (poll 1 s)", latency(db, run, 1, 1, false));

            System.out.println();
            System.out.println("| round | trigger skipped, no subscriber | trigger, no subscriber"
                    + " | trigger, listener and 1 subscriber |");
            System.out.println("|---|---:|---:|---:|");
            double[] sums = new double[3];
            int rounds = 5;
            for (int round = 1; round <= rounds; round++) {
                notify(db, false);
                double off = latency(db, run, 1, 0, true).perSecond();
                notify(db, true);
                double on = latency(db, run, 1, 0, true).perSecond();
                double followed = latency(db, run, 1, 1, true).perSecond();
                sums[0] += off;
                sums[1] += on;
                sums[2] += followed;
                System.out.printf("| %d | %.0f | %.0f | %.0f |%n", round, off, on, followed);
            }
            System.out.printf("| mean | %.0f | %.0f | %.0f |%n%n", sums[0] / rounds, sums[1] / rounds,
                    sums[2] / rounds);
            System.out.printf("cost of the trigger's NOTIFY: %.1f %%; of the trigger and a live subscriber: %.1f %%%n",
                    100 * (1 - sums[1] / sums[0]), 100 * (1 - sums[2] / sums[0]));
            sequential(db, run);
        }
    }

    /**
     * One writer, one connection, appends one after another: the lowest-noise view of the trigger's cost per commit.
     * Blocks with the notification skipped and sent alternate, ten of each.
     */
    private static void sequential(BenchDatabase db, Duration run) throws Exception {
        System.out.println();
        System.out.println("| 1 writer, sequential appends | notification skipped | notification sent |");
        System.out.println("|---|---:|---:|");
        double[] sums = new double[2];
        int blocks = 10;
        try (com.zaxxer.hikari.HikariDataSource one = new com.zaxxer.hikari.HikariDataSource()) {
            one.setJdbcUrl(db.dataSource().getJdbcUrl());
            one.setUsername(db.dataSource().getUsername());
            one.setPassword(db.dataSource().getPassword());
            one.setMaximumPoolSize(1);
            ArtifactStore store = ArtifactStore.create(one);
            Artifact a = store.getOrCreate("feed-seq-" + UUID.randomUUID(), "code", "sequential");
            long blockNanos = run.toNanos() / 4;
            for (int block = 0; block < 2 * blocks; block++) {
                boolean on = block % 2 == 1;
                notify(db, on);
                one.getHikariPoolMXBean().softEvictConnections();
                store.append(a.id(), Change.put(CodeFile.of("warm.txt", "w" + block)));
                long n = 0;
                long start = System.nanoTime();
                while (System.nanoTime() - start < blockNanos) {
                    store.append(a.id(), Change.put(CodeFile.of("s.txt", "v" + block + "-" + n)));
                    n++;
                }
                sums[on ? 1 : 0] += n / ((System.nanoTime() - start) / 1e9);
            }
        }
        System.out.printf("| appends/s, mean of %d blocks | %.0f | %.0f |%n%ncost of the notification per append"
                + " (1 writer): %.1f %%%n", blocks, sums[0] / blocks, sums[1] / blocks, 100 * (1 - sums[1] / sums[0]));
    }

    private static void print(String name, Run r) {
        System.out.printf("| %s | %.0f | %d | %s | %s | %s |%n", name, r.perSecond(), r.latenciesNanos().length,
                r.percentile(0.50), r.percentile(0.99), r.percentile(1.0));
    }

    /** Turns the trigger's notification on or off for new sessions (the pool is renewed by the next store). */
    private static void notify(BenchDatabase db, boolean on) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + c.getCatalog() + (on ? " RESET gapless.feed_notify"
                    : " SET gapless.feed_notify = off"));
        }
        db.dataSource().getHikariPoolMXBean().softEvictConnections();
    }

    private static Run latency(BenchDatabase db, Duration run, int artifacts, int subscribersEach, boolean listen)
            throws Exception {
        ArtifactStore store = ArtifactStore.builder(db.dataSource()).feedListen(listen).build();
        String chat = "feed-load-" + UUID.randomUUID();
        List<Artifact> targets = new ArrayList<>();
        for (int i = 0; i < artifacts; i++) {
            targets.add(store.getOrCreate(chat, "code-" + i, "load"));
        }
        Map<String, Long> acked = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<long[]> received = new ConcurrentLinkedQueue<>();
        List<FeedSubscription> subscriptions = new ArrayList<>();
        for (Artifact a : targets) {
            for (int s = 0; s < subscribersEach; s++) {
                subscriptions.add(store.feed().subscribe(a.id(), 0, e -> received.add(
                        new long[] {System.nanoTime(), e.artifactId().hashCode(), e.version()})));
            }
        }
        Thread.sleep(500); // the listener connects
        AtomicLong appends = new AtomicLong();
        long end = System.nanoTime() + run.toNanos();
        long start = System.nanoTime();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    Artifact a = targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
                    int version = store.append(a.id(), Change.put(CodeFile.of("w" + writer + ".txt", "v" + i)),
                            AppendOptions.defaults()).version();
                    acked.put(a.id().hashCode() + ":" + version, System.nanoTime());
                    appends.incrementAndGet();
                }
            });
            t.start();
            writers.add(t);
        }
        for (Thread t : writers) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(listen ? 1000 : 2500); // the last deliveries
        subscriptions.forEach(FeedSubscription::close);
        long[] latencies = received.stream().mapToLong(r -> {
            Long ack = acked.get((int) r[1] + ":" + r[2]);
            return ack == null ? -1 : Math.max(0, r[0] - ack);
        }).filter(l -> l >= 0).toArray();
        return new Run(appends.get(), seconds, latencies);
    }
}
