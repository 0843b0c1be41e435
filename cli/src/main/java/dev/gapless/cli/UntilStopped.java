package dev.gapless.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a server command running until the JVM is asked to stop (Ctrl-C, SIGTERM): {@link #await()} returns then, and
 * the shutdown waits up to 15 s for {@link #close()}, so that the command closes its server and database first. Use
 * from the command's thread.
 */
final class UntilStopped implements AutoCloseable {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    UntilStopped(String name) {
        this.hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /** Blocks until the JVM is asked to stop. */
    void await() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
    }

    /** Lets the shutdown go on. */
    @Override
    public void close() {
        stopped.countDown();
    }
}
