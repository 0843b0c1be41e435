package dev.gapless.benchmarks;

import dev.gapless.core.AppendOptions;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.PruneResult;
import dev.gapless.core.Retention;
import dev.gapless.core.RevertResult;
import dev.gapless.core.VersionDiff;
import dev.gapless.text.UnifiedDiff;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * The load run behind the lifecycle figures of docs/benchmarks.md: diff of two versions that differ in 10 files on a
 * 10,000-file and a 10-file artifact, revert of a 10,000-file artifact 1,000 versions back (latency and WAL bytes),
 * and pruning a long history beside 16 writers of the same artifact (their p99 without and during the prune, what
 * was reclaimed). Prints one line per figure. Arguments: {@code [prune-versions] [writers]}, default 20,000 and 16.
 *
 * <pre>{@code
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.LifecycleLoad 20000 16
 * }</pre>
 */
public final class LifecycleLoad {

    private LifecycleLoad() {
    }

    /**
     * Runs the load.
     *
     * @param args prune history length and writer count
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        int pruneVersions = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        try (BenchDatabase db = BenchDatabase.create("lifecycle", writers + 4)) {
            ArtifactStore store = ArtifactStore.create(db.dataSource());
            diffs(store);
            revert(store, db.dataSource());
            prune(store, db.dataSource(), pruneVersions, writers);
        }
    }

    private static String content(int file, int version) {
        // about 330 bytes, as the footprint runs' small files
        return ("// file " + file + " version " + version + "\n").repeat(11);
    }

    private static UUID artifact(ArtifactStore store, int files) {
        UUID id = store.getOrCreate("lifecycle-" + UUID.randomUUID(), "code", "").id();
        List<Change> puts = new ArrayList<>(files);
        for (int i = 0; i < files; i++) {
            puts.add(Change.put(CodeFile.of("src/f" + i + ".txt", content(i, 0))));
        }
        store.append(id, Change.batch(puts));
        return id;
    }

    private static void diffs(ArtifactStore store) {
        for (int files : new int[] {10, 10_000}) {
            UUID id = artifact(store, files);
            List<Change> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(Change.put(CodeFile.of("src/f" + (i * (files / 10)) + ".txt", content(i, 1))));
            }
            store.append(id, Change.batch(ten));
            long[] nanos = new long[200];
            for (int warm = 0; warm < 100; warm++) {
                UnifiedDiff.render(store.lifecycle().diff(id, 1, 2));
            }
            int rendered = 0;
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                VersionDiff d = store.lifecycle().diff(id, 1, 2);
                rendered = UnifiedDiff.render(d).length();
                nanos[i] = System.nanoTime() - start;
            }
            print("diff v1..v2, 10 files changed, artifact of " + files + " files", nanos, rendered + " chars");
        }
    }

    private static void revert(ArtifactStore store, DataSource ds) throws SQLException {
        UUID id = artifact(store, 10_000);
        Random random = new Random(7);
        for (int v = 1; v <= 1_000; v++) {
            int f = random.nextInt(10_000);
            store.append(id, Change.put(CodeFile.of("src/f" + f + ".txt", content(f, v))));
        }
        long wal = walLsn(ds);
        long contents = count(ds, "SELECT count(*) FROM artifact_contents WHERE artifact_id = '" + id + "'");
        long start = System.nanoTime();
        RevertResult r = store.lifecycle().revert(id, 1, AppendOptions.defaults().withIdempotencyKey("revert"));
        long nanos = System.nanoTime() - start;
        long walBytes = walLsn(ds) - wal;
        long changeBytes = count(ds, "SELECT pg_column_size(change_json) FROM artifact_versions WHERE artifact_id = '"
                + id + "' AND version_number = " + r.version());
        long newContents = count(ds, "SELECT count(*) FROM artifact_contents WHERE artifact_id = '" + id + "'")
                - contents;
        System.out.printf("revert of a 10000-file artifact from version 1001 to 1: %.1f ms, %d files put back,"
                        + " WAL %d bytes, stored change %d bytes, %d new contents%n", nanos / 1e6, r.filesChanged(),
                walBytes, changeBytes, newContents);
    }

    private static void prune(ArtifactStore store, DataSource ds, int versions, int writers) throws Exception {
        UUID id = store.getOrCreate("lifecycle-prune-" + UUID.randomUUID(), "code", "").id();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            int each = versions / writers;
            runWriters(pool, store, id, writers, "build", n -> n < each);
            long rowsBefore = rowBytes(ds, id);
            long[] without = latencies(runWriters(pool, store, id, writers, "without", n -> n < 150));
            AtomicBoolean pruning = new AtomicBoolean(true);
            long[] startedAt = {System.nanoTime()};
            Future<PruneResult> prune = pool.submit(() -> {
                try {
                    return store.lifecycle().prune(id, Retention.keepLast(100));
                } finally {
                    pruning.set(false);
                }
            });
            List<Long> during = runWriters(pool, store, id, writers - 1, "during",
                    n -> pruning.get() || n < 5);
            PruneResult r = prune.get(30, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - startedAt[0]) / 1e9;
            long rowsAfter = rowBytes(ds, id);
            print("append beside no prune (" + writers + " writers, one artifact)", without, "");
            print("append during the prune (" + (writers - 1) + " writers + the pruner)", latencies(during), "");
            System.out.printf("prune of %d versions: %.1f s, %d contents (%d bytes of text) removed; the artifact's"
                            + " rows %d -> %d bytes (%d freed for reuse by VACUUM)%n", r.versionsRemoved(), seconds,
                    r.contentsRemoved(), r.bytesRemoved(), rowsBefore, rowsAfter, rowsBefore - rowsAfter);
        } finally {
            pool.shutdownNow();
        }
    }

    private interface Until {
        boolean more(int done);
    }

    private static List<Long> runWriters(ExecutorService pool, ArtifactStore store, UUID id, int writers,
                                         String phase, Until until) throws Exception {
        ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                for (int n = 0; until.more(n); n++) {
                    long start = System.nanoTime();
                    store.append(id, Change.put(CodeFile.of("w" + writer + "/f" + (n % 50) + ".txt",
                            phase + " " + writer + " " + n + "\n")));
                    nanos.add(System.nanoTime() - start);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.MINUTES);
        }
        return new ArrayList<>(nanos);
    }

    private static long[] latencies(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).toArray();
    }

    private static void print(String what, long[] nanos, String extra) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms %s%n", what, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6, extra);
    }

    private static long walLsn(DataSource ds) throws SQLException {
        return count(ds, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }

    /** The stored size of the artifact's rows (as pg_column_size counts them, TOAST compressed). */
    private static long rowBytes(DataSource ds, UUID id) throws SQLException {
        String where = " WHERE artifact_id = '" + id + "'";
        return count(ds, "SELECT (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM artifact_versions t" + where
                + ") + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM artifact_contents t" + where
                + ") + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM artifact_manifests t" + where
                + ") + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM artifact_files t" + where + ")");
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
