package dev.gapless.benchmarks;

/**
 * One writer's bookkeeping for the lost-file check: how many appends succeeded and failed, and the sequence number
 * of its last successful append (whose file must be in the final snapshot). Written by the writer's own thread;
 * read by the trial teardown after JMH has joined the writers.
 */
final class Tally {

    final int writer;
    long seq;
    volatile long ok;
    volatile long failed;
    volatile long lastOk;

    Tally(int writer) {
        this.writer = writer;
    }

    long next() {
        return ++seq;
    }

    void succeeded(long seq) {
        ok++;
        lastOk = seq;
    }

    void failed() {
        failed++;
    }
}
