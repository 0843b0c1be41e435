package dev.gapless.executor.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of worker threads shared by every chat, serving one queue per chat round-robin: a worker takes the
 * next task of the chat at the head of the ring and puts that chat back at the tail while it has tasks left. A chat
 * that queues 64 calls therefore gets one worker turn per round like a chat that queues one, and a chat that arrives
 * behind it waits for at most one task of each chat ahead of it, never for the whole burst.
 *
 * <p>One lock guards the queues: a task is a database round trip or more, so the lock is held for a tiny fraction of
 * the work. It is a {@link ReentrantLock}, not a monitor, so that a virtual worker waiting for work or for the lock
 * unmounts instead of pinning its carrier. Thread-safe. {@link #close()} lets the workers finish every task queued
 * before it, then stop.
 *
 * <p>The workers are platform daemon threads, or virtual threads on Java 21 and newer ({@link #VIRTUAL_THREADS}):
 * the same number either way, since what bounds the calls running at once is the database's connections.
 */
public final class FairScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FairScheduler.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    /** Chats with queued tasks, in the order they get their next turn. */
    private final ArrayDeque<Lane> ring = new ArrayDeque<>();
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Thread[] workers;
    private int queued;
    private boolean closed;

    /** One chat's queue. */
    private static final class Lane {
        final String chat;
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        Lane(String chat) {
            this.chat = chat;
        }
    }

    /**
     * Whether this Java runs virtual threads without preview flags (21 and newer). The code is compiled for Java 17,
     * so it reaches {@code Thread.ofVirtual()} by reflection.
     */
    public static final boolean VIRTUAL_THREADS = Runtime.version().feature() >= 21;

    /**
     * Starts the workers on platform threads.
     *
     * @param threads how many tasks run at once, at least 1
     * @param name    the prefix of the workers' thread names
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public FairScheduler(int threads, String name) {
        this(threads, name, false);
    }

    /**
     * Starts the workers.
     *
     * @param threads how many tasks run at once, at least 1
     * @param name    the prefix of the workers' thread names
     * @param virtual whether the workers are virtual threads
     * @throws IllegalArgumentException      if {@code threads} is less than 1
     * @throws UnsupportedOperationException if {@code virtual} and this Java is older than 21
     */
    public FairScheduler(int threads, String name, boolean virtual) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        if (virtual && !VIRTUAL_THREADS) {
            throw new UnsupportedOperationException(virtualThreadsUnsupported());
        }
        int pool = POOLS.incrementAndGet();
        this.workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = newThread(virtual, name + "-" + pool + "-" + (i + 1), this::work);
        }
        for (Thread worker : workers) {
            worker.start();
        }
    }

    /**
     * Queues a task behind the chat's earlier ones.
     *
     * @param chat the chat the task belongs to
     * @param task what to run; it must not throw (a throwable is logged and the worker goes on)
     * @return the number of the chat's tasks now waiting, this one included
     * @throws IllegalStateException if the scheduler is closed
     */
    public int submit(String chat, Runnable task) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the executor is closed");
            }
            Lane lane = lanes.get(chat);
            if (lane == null) {
                lane = new Lane(chat);
                lanes.put(chat, lane);
                ring.addLast(lane);
            }
            lane.tasks.addLast(task);
            queued++;
            workAvailable.signal();
            return lane.tasks.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param chat a chat
     * @return how many of its tasks wait for a worker (not those running)
     */
    public int queued(String chat) {
        lock.lock();
        try {
            Lane lane = lanes.get(chat);
            return lane == null ? 0 : lane.tasks.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return how many tasks of all chats wait for a worker */
    public int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** @return how many chats have tasks waiting */
    public int waitingChats() {
        lock.lock();
        try {
            return lanes.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return the message of the error that asking for virtual threads on Java 17 to 20 gets */
    public static String virtualThreadsUnsupported() {
        return "virtual threads need Java 21 or newer; this is Java " + Runtime.version().feature()
                + " (leave virtualThreads off to run the calls on platform threads)";
    }

    private static Thread newThread(boolean virtual, String name, Runnable body) {
        if (!virtual) {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            return thread;
        }
        try {
            // Thread.ofVirtual().name(name).unstarted(body), through the public interface's methods
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            builder = ofVirtual.getMethod("name", String.class).invoke(builder, name);
            return (Thread) ofVirtual.getMethod("unstarted", Runnable.class).invoke(builder, body);
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException(virtualThreadsUnsupported(), e);
        }
    }

    /** @return the number of worker threads */
    public int threads() {
        return workers.length;
    }

    private Runnable next() throws InterruptedException {
        lock.lock();
        try {
            while (ring.isEmpty()) {
                if (closed) {
                    return null;
                }
                workAvailable.await();
            }
            Lane lane = ring.pollFirst();
            Runnable task = lane.tasks.pollFirst();
            queued--;
            if (lane.tasks.isEmpty()) {
                lanes.remove(lane.chat);
            } else {
                ring.addLast(lane);
            }
            return task;
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            Runnable task;
            try {
                task = next();
            } catch (InterruptedException e) {
                return;
            }
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("a queued task failed", t);
            }
        }
    }

    /** Refuses new tasks; the workers finish the queued ones, then stop. Does not wait for them. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
