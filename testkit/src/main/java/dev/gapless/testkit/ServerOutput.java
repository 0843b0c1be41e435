package dev.gapless.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a PostgreSQL program prints (its stdout and stderr, merged), read from a pipe rather than a log file, so
 * that the server's own error reaches the user even when the disk is full. The last lines are kept for an error
 * message; every line is logged.
 */
final class ServerOutput {

    private static final Logger LOG = LoggerFactory.getLogger("dev.gapless.testkit.postgres");
    private static final int KEPT_LINES = 40;

    private final Deque<String> last = new ArrayDeque<>();
    private final Thread reader;

    private ServerOutput(Process process, String name) {
        this.reader = new Thread(() -> drain(process, name), "gapless-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts reading the process's output until it ends. */
    static ServerOutput follow(Process process, String name) {
        return new ServerOutput(process, name);
    }

    /**
     * Runs a program to its end.
     *
     * @param builder the command, output not yet redirected
     * @param input   written to its stdin, then closed; may be empty
     * @param name    for messages, e.g. {@code initdb}
     * @return what it printed
     * @throws IOException saying what it printed, if it exits with another status than 0
     */
    static String run(ProcessBuilder builder, String input, String name) throws IOException {
        Process process = builder.redirectErrorStream(true).start();
        ServerOutput output = follow(process, name);
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("{} closed its input early", name, e);
        }
        try {
            int status = process.waitFor();
            output.reader.join();
            if (status != 0) {
                throw new IOException(name + " failed (exit status " + status + "): " + output.tail());
            }
            return output.tail();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + name + " ran", e);
        }
    }

    /** The last lines printed, joined by newlines; waits briefly for a process that ended to be read out. */
    String tail() {
        try {
            reader.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (last) {
            return String.join("\n", last).strip();
        }
    }

    private void drain(Process process, String name) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                LOG.info("{}: {}", name, line);
                synchronized (last) {
                    if (last.size() == KEPT_LINES) {
                        last.removeFirst();
                    }
                    last.addLast(line);
                }
            }
        } catch (IOException e) {
            LOG.debug("stopped reading the output of {}", name, e);
        }
    }
}
