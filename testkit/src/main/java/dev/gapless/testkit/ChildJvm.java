package dev.gapless.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A Java main class run in a child JVM on this JVM's class path, for tests that must really kill a process
 * ({@code kill -9}) or run several at once. Standard output is collected line by line for {@link #awaitLine};
 * standard error is collected for {@link #errors()}.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start("dev.gapless.cli.Main", "mcp", "--data-dir", dir.toString())) {
 *     child.awaitLine(line -> line.contains("\"id\":1"), Duration.ofSeconds(60));
 *     child.kill();                      // SIGKILL to the JVM alone, as kill -9 <pid> does
 * }
 * }</pre>
 *
 * <p>Thread-safety: safe; output is collected by two daemon threads.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final StringBuffer errors = new StringBuffer();
    private int consumed;
    private boolean outputEnded;

    private ChildJvm(Process process) {
        this.process = process;
        Thread out = new Thread(() -> collect(process.getInputStream(), true), "child-" + process.pid() + "-out");
        Thread err = new Thread(() -> collect(process.getErrorStream(), false), "child-" + process.pid() + "-err");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM (same {@code java}, same class path).
     *
     * @param mainClass the class with {@code main}
     * @param args      its arguments
     * @return the running child; close it to kill whatever is left of it
     * @throws IOException if the JVM cannot be started
     */
    public static ChildJvm start(String mainClass, String... args) throws IOException {
        Objects.requireNonNull(mainClass, "mainClass");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).start());
    }

    /** {@return the child JVM's process id} */
    public long pid() {
        return process.pid();
    }

    /** {@return the child's standard input; close it to send end of input} */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /**
     * Waits for the next line of standard output (after those already returned) that matches.
     *
     * @param match which line
     * @param max   how long to wait at most
     * @return the line
     * @throws TimeoutException     if no such line came in time, or the output ended without one; the message
     *                              holds what the child printed
     * @throws InterruptedException if interrupted
     */
    public String awaitLine(Predicate<String> match, Duration max) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lines) {
            while (true) {
                while (consumed < lines.size()) {
                    String line = lines.get(consumed++);
                    if (match.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (outputEnded || left <= 0) {
                    throw new TimeoutException("no matching line from child " + pid() + (outputEnded
                            ? " before its output ended" : " within " + max) + "; it printed:\n" + output()
                            + "\nand on standard error:\n" + errors());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** {@return everything the child has printed to standard output so far} */
    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** {@return everything the child has printed to standard error so far} */
    public String errors() {
        return errors.toString();
    }

    /**
     * Waits for the child to exit.
     *
     * @param max how long to wait at most
     * @return its exit code
     * @throws TimeoutException     if it is still running after {@code max}
     * @throws InterruptedException if interrupted
     */
    public int awaitExit(Duration max) throws TimeoutException, InterruptedException {
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("child " + pid() + " still running after " + max + "; it printed:\n"
                    + output() + "\nand on standard error:\n" + errors());
        }
        return process.exitValue();
    }

    /** {@return the child's live descendants (processes it started), e.g. an embedded PostgreSQL} */
    public List<ProcessHandle> descendants() {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    /**
     * Kills the child JVM alone with SIGKILL, as {@code kill -9 <pid>} does, and waits until it is gone; processes
     * it started keep running.
     *
     * @throws InterruptedException if interrupted
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Kills the child JVM and every process it started with SIGKILL, as killing its process group does.
     *
     * @throws InterruptedException if interrupted
     */
    public void killWithDescendants() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        for (ProcessHandle child : children) {
            child.onExit().join();
        }
    }

    /** Kills the child and its descendants if it is still running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            killWithDescendants();
        }
    }

    private void collect(InputStream stream, boolean stdout) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (stdout) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                } else {
                    errors.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            errors.append("(reading the child's output failed: ").append(e).append(")\n");
        } finally {
            if (stdout) {
                synchronized (lines) {
                    outputEnded = true;
                    lines.notifyAll();
                }
            }
        }
    }
}
