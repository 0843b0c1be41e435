package dev.gapless.chaos;

import dev.gapless.core.AppendOptions;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.GaplessException;
import dev.gapless.core.VersionedFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Many writer threads appending to a few hot artifacts: adds, updates, deletes (also of files that may be missing)
 * and batches, an idempotency key on every append. A call whose outcome is unknown, or that failed in a way a retry
 * may fix (timeout, retries exhausted, storage error), is retried with the <em>same</em> key a bounded number of
 * times; every call's outcome is recorded. Every change carries its op id, so no two appends send the same change.
 *
 * <p>Writer {@code i} writes through {@code stores.get(i % stores.size())}, so a run with several stores mixes
 * strategies on one artifact. Not reusable: build, {@link #run()}, then {@link #resolve(ArtifactStore)}.
 */
final class Workload {

    private final String name;
    private final List<ArtifactStore> stores;
    private final List<UUID> artifacts;
    private final int writers;
    private final Duration duration;
    private final int maxOpsPerWriter;
    private final int maxCallsPerOp;
    private final Duration appendTimeout;
    private final boolean retry;
    private final long seed;
    private final ConcurrentLinkedQueue<AppendRecord> records = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> ackNanos = new ConcurrentLinkedQueue<>();
    private final AtomicLong calls = new AtomicLong();
    private final java.util.Map<String, Throwable> samples = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stop;

    private Workload(Builder b) {
        this.name = b.name;
        this.stores = List.copyOf(b.stores);
        this.artifacts = List.copyOf(b.artifacts);
        this.writers = b.writers;
        this.duration = b.duration;
        this.maxOpsPerWriter = b.maxOpsPerWriter;
        this.maxCallsPerOp = b.maxCallsPerOp;
        this.appendTimeout = b.appendTimeout;
        this.retry = b.retry;
        this.seed = b.seed;
    }

    static Builder builder(String name) {
        return new Builder(name);
    }

    /** A workload that ran elsewhere (another process): its records, ready to {@link #resolve} and report. */
    static Workload replay(String name, List<AppendRecord> records) {
        Workload w = new Workload(new Builder(name));
        w.records.addAll(records);
        w.calls.set(records.stream().mapToLong(r -> r.tries().size()).sum());
        return w;
    }

    long seed() {
        return seed;
    }

    /** Runs the writers until the duration passes or each wrote its ops; returns every record so far. */
    List<AppendRecord> run() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(writers);
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            final int writer = w;
            Thread t = new Thread(() -> {
                try {
                    write(writer, deadline);
                } finally {
                    done.countDown();
                }
            }, name + "-writer-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        // an op's own retries are bounded; allow them to finish after the deadline
        if (!done.await(duration.toMillis() + 120_000, TimeUnit.MILLISECONDS)) {
            stop = true;
            threads.forEach(Thread::interrupt);
            done.await(30, TimeUnit.SECONDS);
            throw new IllegalStateException(name + ": writers did not finish; stuck threads: "
                    + threads.stream().filter(Thread::isAlive).map(Thread::getName).toList());
        }
        return records();
    }

    /** Stops the writers after their current op. */
    void stop() {
        stop = true;
    }

    List<AppendRecord> records() {
        return List.copyOf(records);
    }

    /** The first failure of each error class, for diagnosis. */
    java.util.Map<String, Throwable> failureSamples() {
        return java.util.Map.copyOf(samples);
    }

    long calls() {
        return calls.get();
    }

    /** The completion time ({@link System#nanoTime()}) of the first acknowledged call at or after {@code nanos}. */
    Long firstAckAtOrAfter(long nanos) {
        Long first = null;
        for (Long t : ackNanos) {
            if (t >= nanos && (first == null || t < first)) {
                first = t;
            }
        }
        return first;
    }

    /**
     * After the faults stop: calls again, with the same key, every append whose last outcome is unknown or a
     * retryable failure, until each is acknowledged or definitely rejected. Replaces those records.
     *
     * @return how many appends needed it
     */
    int resolve(ArtifactStore healthy) {
        List<AppendRecord> all = new ArrayList<>(records);
        int resolved = 0;
        records.clear();
        for (AppendRecord r : all) {
            if (r.key() == null || !needsAnotherCall(r.last())) {
                records.add(r);
                continue;
            }
            resolved++;
            List<Outcome> tries = new ArrayList<>(r.tries());
            for (int i = 0; i < 30 && needsAnotherCall(tries.get(tries.size() - 1)); i++) {
                tries.add(call(healthy, r.artifactId(), r.change(), r.key()));
                if (needsAnotherCall(tries.get(tries.size() - 1))) {
                    sleep(200);
                }
            }
            records.add(new AppendRecord(r.op(), r.writer(), r.strategy(), r.artifactId(), r.key(), r.change(),
                    tries));
        }
        return resolved;
    }

    private static boolean needsAnotherCall(Outcome o) {
        return o instanceof Outcome.Unknown || o instanceof Outcome.Failed f && f.retryable();
    }

    private void write(int writer, long deadline) {
        Random random = new Random(seed * 31 + writer);
        ArtifactStore store = stores.get(writer % stores.size());
        List<String> own = new ArrayList<>();
        for (int n = 0; n < maxOpsPerWriter && !stop && System.nanoTime() < deadline; n++) {
            String op = name + "-w" + writer + "-" + n;
            UUID artifact = artifacts.get(random.nextInt(artifacts.size()));
            Change change = nextChange(random, op, writer, own, name -> store.file(artifact, name).orElse(null));
            List<Outcome> tries = new ArrayList<>();
            for (int c = 1; ; c++) {
                Outcome o = call(store, artifact, change, op);
                tries.add(o);
                if (!retry || !needsAnotherCall(o) || c >= maxCallsPerOp || Thread.currentThread().isInterrupted()) {
                    break;
                }
                sleep(5 + random.nextInt(20 * Math.min(c, 10)));
            }
            records.add(new AppendRecord(op, Thread.currentThread().getName(), store.strategy().name(), artifact, op,
                    change, tries));
        }
    }

    private Outcome call(ArtifactStore store, UUID artifact, Change change, String key) {
        calls.incrementAndGet();
        AppendOptions options = AppendOptions.defaults().withIdempotencyKey(key);
        if (appendTimeout != null) {
            options = options.withTimeout(appendTimeout);
        }
        try {
            Outcome o = Outcome.of(store.append(artifact, change, options));
            ackNanos.add(System.nanoTime());
            return o;
        } catch (GaplessException e) {
            samples.putIfAbsent(Outcome.errorClass(e), e);
            return Outcome.of(e);
        } catch (RuntimeException e) {
            // not part of the contract: an unexpected exception type escaping the store
            samples.putIfAbsent("unexpected " + e.getClass().getName(), e);
            return new Outcome.Unknown("unexpected " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    /**
     * Adds (45%), updates of shared files (15%), whole-file writes of a shared multi-line file based on the version
     * just read, each changing one line (10%: they merge, or conflict where another writer changed a line next to
     * it), deletes that may miss (15%), deletes of own files, batches.
     *
     * @param read the file of that name in the latest version, or {@code null}; may throw when the store fails
     */
    static Change nextChange(Random random, String op, int writer, List<String> own,
                             Function<String, VersionedFile> read) {
        int dice = random.nextInt(100);
        if (dice >= 60 && dice < 70) {
            String name = "merge/m" + random.nextInt(2) + ".txt";
            try {
                return basedPut(random, op, name, read.apply(name));
            } catch (GaplessException e) {
                dice = 50; // the read failed under a fault: a plain update instead
            }
        }
        if (dice < 45 || dice >= 85 && dice < 92 && own.isEmpty()) {
            String filename = "src/w" + writer + "/f" + own.size() + "-" + random.nextInt(1000) + ".txt";
            own.add(filename);
            return Change.put(file(filename, op, random));
        }
        if (dice < 70) {
            return Change.put(file("shared/s" + random.nextInt(6) + ".txt", op, random));
        }
        if (dice < 85) {
            return Change.delete("shared/s" + random.nextInt(6) + ".txt");
        }
        if (dice < 92) {
            return Change.delete(own.remove(random.nextInt(own.size())));
        }
        List<Change> batch = new ArrayList<>();
        batch.add(Change.put(file("shared/s" + random.nextInt(6) + ".txt", op, random)));
        batch.add(Change.put(file("batch/" + op + ".txt", op, random)));
        return Change.batch(batch);
    }

    /** Lines of a shared file that based writes change one at a time. */
    static final int MERGE_LINES = 24;

    /** {@code seen}'s content (or a new file's) with one line rewritten by {@code op}, based on {@code seen}. */
    private static Change basedPut(Random random, String op, String name, VersionedFile seen) {
        String[] lines = new String[MERGE_LINES];
        if (seen == null) {
            for (int i = 0; i < MERGE_LINES; i++) {
                lines[i] = "line " + i;
            }
        } else {
            String[] read = seen.file().content().split("\n", -1);
            for (int i = 0; i < MERGE_LINES; i++) {
                lines[i] = i < read.length ? read[i] : "line " + i;
            }
        }
        int i = random.nextInt(MERGE_LINES);
        lines[i] = "line " + i + " by " + op;
        String content = String.join("\n", lines) + "\n";
        return Change.put(new CodeFile(name, "text", content, "shared, merged"), seen == null ? 0 : seen.version());
    }

    private static CodeFile file(String filename, String op, Random random) {
        return new CodeFile(filename, "text", "written by " + op + " #" + Long.toHexString(random.nextLong()),
                "op " + op);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link Workload}. Not thread-safe. */
    static final class Builder {
        private final String name;
        private List<ArtifactStore> stores = new ArrayList<>();
        private List<UUID> artifacts = new ArrayList<>();
        private int writers = 8;
        private Duration duration = Duration.ofSeconds(5);
        private int maxOpsPerWriter = Integer.MAX_VALUE;
        private int maxCallsPerOp = 12;
        private Duration appendTimeout;
        private boolean retry = true;
        private long seed = ThreadLocalRandom.current().nextLong();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        Builder stores(List<ArtifactStore> stores) {
            this.stores = new ArrayList<>(stores);
            return this;
        }

        Builder artifacts(List<UUID> artifacts) {
            this.artifacts = new ArrayList<>(artifacts);
            return this;
        }

        Builder writers(int writers) {
            this.writers = writers;
            return this;
        }

        Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        Builder maxOpsPerWriter(int ops) {
            this.maxOpsPerWriter = ops;
            return this;
        }

        Builder maxCallsPerOp(int calls) {
            this.maxCallsPerOp = calls;
            return this;
        }

        Builder appendTimeout(Duration timeout) {
            this.appendTimeout = timeout;
            return this;
        }

        /** Without retries each op gets exactly one call (for baselines). */
        Builder retry(boolean retry) {
            this.retry = retry;
            return this;
        }

        Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        Workload build() {
            if (stores.isEmpty() || artifacts.isEmpty() || writers < 1) {
                throw new IllegalStateException("a workload needs stores, artifacts and writers");
            }
            return new Workload(this);
        }
    }
}
