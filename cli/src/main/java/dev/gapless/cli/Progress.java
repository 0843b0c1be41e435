package dev.gapless.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A progress line on standard error for anything that takes more than a second: the line appears only if the work
 * is still running after one second, and a "done" line follows it.
 */
final class Progress implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gapless-progress");
        t.setDaemon(true);
        return t;
    });

    private final PrintWriter err;
    private final String what;
    private final long start = System.nanoTime();
    private final ScheduledFuture<?> line;
    private volatile boolean shown;

    private Progress(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
        this.line = TIMER.schedule(() -> {
            shown = true;
            err.println(what + " …");
            err.flush();
        }, 1, TimeUnit.SECONDS);
    }

    /** Starts timing {@code what}; close it when done. */
    static Progress start(PrintWriter err, String what) {
        return new Progress(err, what);
    }

    @Override
    public void close() {
        line.cancel(false);
        if (shown) {
            err.printf("%s: done in %.1f s%n", what, (System.nanoTime() - start) / 1e9);
            err.flush();
        }
    }
}
