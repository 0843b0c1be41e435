package dev.gapless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.testkit.ChildJvm;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded {@code --data-dir} when a {@code gapless} process holds it and when that process is killed with
 * {@code kill -9} (a real one, in a child JVM): the next command must be told who holds it, then take over.
 */
class DataDirectoryCommandTest {

    /** A bound for a child that starts PostgreSQL on a busy machine, not an expectation. */
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void aCommandIsToldWhoHoldsTheDataDirectoryAndAfterKillMinusNineTheNextOneRuns(@TempDir Path dir)
            throws Exception {
        String data = dir.resolve("pg").toString();
        try (ChildJvm server = ChildJvm.start(Main.class.getName(), "mcp", "--chat", "crash", "--data-dir", data)) {
            send(server, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
            server.awaitLine(line -> line.contains("\"id\":1"), PATIENCE);
            send(server, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            send(server, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"add_code_file\",\"arguments\":{\"filename\":\"crash.txt\",\"language\":\"text\","
                    + "\"content\":\"written before the kill\"}}}");
            assertThat(server.awaitLine(line -> line.contains("\"id\":2"), PATIENCE)).contains("Added crash.txt");

            ExecCommandTest.Run refused = ExecCommandTest.gapless("history", "--chat", "crash", "--data-dir", data,
                    "--data-dir-wait", "PT0S");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("is in use by process " + server.pid())
                    .contains("kill " + server.pid());

            server.kill();
        }
        try {
            ExecCommandTest.Run after = ExecCommandTest.gapless("history", "--chat", "crash", "--data-dir", data);
            assertThat(after.exit()).as(after.err()).isZero();
            assertThat(after.out()).contains("Added crash.txt");
        } finally {
            stopLeftoverServer(Path.of(data));
        }
    }

    /** If the takeover failed, the killed process's PostgreSQL would outlive the test. */
    private static void stopLeftoverServer(Path data) throws Exception {
        Path pidFile = data.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim())).ifPresent(p -> {
                p.destroy();
                p.onExit().join();
            });
        }
    }

    private static void send(ChildJvm child, String line) throws Exception {
        OutputStream in = child.stdin();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }
}
