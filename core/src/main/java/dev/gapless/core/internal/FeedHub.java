package dev.gapless.core.internal;

import dev.gapless.core.FeedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed's machinery for one store: its subscriptions, the one thread that waits for notifications on the
 * one listening connection ({@link FeedListener}) and wakes them, and the poll timer that, whether or not a
 * notification came, reads the followed artifacts' heads in one statement and wakes the subscriptions behind them.
 * The thread runs while at least one subscription is open, so a store nobody follows holds no connection. Reads for subscribers take at most {@value #READERS} pooled connections at once, so
 * that the feed never takes the pool from writers. Thread-safe.
 */
public final class FeedHub {

    /** How many connections the feed's reads may hold at once. */
    static final int READERS = 2;
    /** How many artifacts' heads one poll statement reads. */
    static final int POLL_BATCH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(FeedHub.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final DataSource dataSource;
    private final boolean listen;
    private final Duration pollInterval;
    private final int bufferSize;
    private final Set<FeedWorker> workers = ConcurrentHashMap.newKeySet();
    private final Semaphore readers = new Semaphore(READERS, true);
    private final ThreadPoolExecutor executor;
    private final Object lock = new Object();
    /** The current pump's listener: each pump thread has its own, so an exiting one never closes its successor's. */
    private volatile FeedListener listener;
    private boolean pumping;
    private volatile boolean readFailing;

    /**
     * A hub; starts nothing until the first subscription.
     *
     * @param dataSource   where versions are read and LISTEN runs
     * @param listen       whether to LISTEN (off: poll only, e.g. behind PgBouncer in transaction mode)
     * @param pollInterval how often every subscription reads whether or not a notification came
     * @param bufferSize   the most events read ahead for one subscriber
     */
    public FeedHub(DataSource dataSource, boolean listen, Duration pollInterval, int bufferSize) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.listen = listen;
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.bufferSize = bufferSize;
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "gapless-feed-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Subscribes: calls {@code subscriber.onSubscribe} on this thread, then delivers on the feed's threads.
     *
     * @param scope      what to follow
     * @param start      the last version already seen per artifact (absent: 0)
     * @param subscriber the subscriber
     */
    public void subscribe(FeedScope scope, Map<UUID, Integer> start, Flow.Subscriber<? super FeedEvent> subscriber) {
        FeedWorker worker = new FeedWorker(this, scope, start, subscriber);
        synchronized (lock) {
            workers.add(worker);
            if (!pumping) {
                pumping = true;
                Thread pump = new Thread(this::pump, "gapless-feed-listener");
                pump.setDaemon(true);
                pump.start();
            }
        }
        worker.start();
    }

    /** The current head of every artifact with a version, of one chat or (null) all. */
    public Map<UUID, Integer> heads(String chatId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<UUID, Integer> out = new HashMap<>();
            for (FeedQueries.Head h : FeedQueries.heads(c, chatId)) {
                out.put(h.id(), h.head());
            }
            return out;
        }
    }

    /** How many subscriptions are open. */
    public int subscriptions() {
        return workers.size();
    }

    /** Whether the listening connection is up and listening now. */
    public boolean listening() {
        FeedListener current = listener;
        return current != null && current.connected();
    }

    int bufferSize() {
        return bufferSize;
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    void remove(FeedWorker worker) {
        workers.remove(worker);
    }

    Connection readConnection() throws SQLException {
        readers.acquireUninterruptibly();
        try {
            Connection c = dataSource.getConnection();
            if (readFailing) {
                readFailing = false;
                LOG.info("change feed reads the database again");
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            readers.release();
            throw e;
        }
    }

    void readDone() {
        readers.release();
    }

    void readFailed(Exception e) {
        if (!readFailing) {
            readFailing = true;
            LOG.warn("change feed read failed (retried on the next poll): {}", e.toString());
        }
    }

    private void pump() {
        FeedListener own = new FeedListener(dataSource);
        listener = own;
        long nextPoll = System.nanoTime() + pollInterval.toNanos();
        try {
            while (true) {
                synchronized (lock) {
                    if (workers.isEmpty()) {
                        pumping = false;
                        return;
                    }
                }
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextPoll - System.nanoTime()));
                if (listen) {
                    if (!own.connected() && own.connect()) {
                        wakeAll(); // what was written while no one listened
                    }
                    FeedListener.Wake wake = own.await(wait);
                    if (wake.everything()) {
                        wakeAll();
                    } else {
                        wake.artifacts().forEach(this::wake);
                    }
                } else {
                    Thread.sleep(wait);
                }
                if (System.nanoTime() - nextPoll >= 0) {
                    poll();
                    nextPoll = System.nanoTime() + pollInterval.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (lock) {
                pumping = false;
            }
        } finally {
            own.close();
        }
    }

    /**
     * The timer's read: the heads of every followed artifact in one statement (per {@value #POLL_BATCH}), then a wake
     * for each artifact subscription that is behind its head (or whose artifact is gone, to end it), and for every
     * chat's or store's subscription. Any failure wakes every subscription instead.
     */
    private void poll() {
        Map<UUID, java.util.List<FeedWorker>> byArtifact = new HashMap<>();
        for (FeedWorker w : workers) {
            if (w.scope().kind() == FeedScope.Kind.ARTIFACT) {
                byArtifact.computeIfAbsent(w.scope().artifactId(), k -> new java.util.ArrayList<>()).add(w);
            } else {
                w.wake();
            }
        }
        java.util.List<UUID> ids = new java.util.ArrayList<>(byArtifact.keySet());
        for (int from = 0; from < ids.size(); from += POLL_BATCH) {
            java.util.List<UUID> batch = ids.subList(from, Math.min(ids.size(), from + POLL_BATCH));
            Map<UUID, Integer> heads;
            try {
                Connection c = readConnection();
                try (c) {
                    heads = FeedQueries.headsOf(c, batch);
                } finally {
                    readDone();
                }
            } catch (SQLException | RuntimeException e) {
                readFailed(e);
                batch.forEach(id -> byArtifact.get(id).forEach(FeedWorker::wake));
                continue;
            }
            for (UUID id : batch) {
                Integer head = heads.get(id);
                for (FeedWorker w : byArtifact.get(id)) {
                    if (head == null || w.behind(head)) {
                        w.wake();
                    }
                }
            }
        }
    }

    private void wake(UUID artifactId) {
        for (FeedWorker w : workers) {
            if (w.concerns(artifactId)) {
                w.wake();
            }
        }
    }

    private void wakeAll() {
        workers.forEach(FeedWorker::wake);
    }
}
