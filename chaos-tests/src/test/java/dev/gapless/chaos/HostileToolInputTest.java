package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.cli.Main;
import dev.gapless.executor.json.Json;
import dev.gapless.mcp.McpToolServer;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile tool-call arguments through the executor: wrong types, missing and extra fields, huge strings, control
 * and NUL characters, path tricks, deeply nested and malformed JSON, a key twice, arguments encoded twice, unknown
 * tools, deletes of missing files; and for the edit tools, path tricks in paths and patch headers, patches over the
 * limits, malformed V4A envelopes, CRLF/LF mixes, empty or no-op old text, and edits that no longer apply (a patch
 * whose last operation fails must not leave its first ones written). Each must yield an error result with a safe
 * message; nothing is written; the executor keeps working. The same for lines an MCP client sends (each gets its JSON-RPC error and the session goes
 * on) and for {@code gapless exec} command lines (usage errors, before anything starts).
 */
class HostileToolInputTest {

    private static final int CASES = Integer.getInteger("gapless.chaos.hostileCases", 1200);
    private static final int MCP_LINES = Integer.getInteger("gapless.chaos.hostileMcpLines", 300);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(30);

    @Test
    void hostileArgumentsYieldErrorsAndWriteNothing() throws Exception {
        long seed = seed();
        PostgresServer server = PostgresServer.shared();
        try (TestDatabase db = server.createDatabase("chaos_hostile");
             HikariDataSource pool = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 20,
                     Duration.ofSeconds(10), "chaos-hostile")) {
            Schema.apply(pool);
            ArtifactStore store = ArtifactStore.create(pool);
            try (ToolExecutor executor = ToolExecutor.builder(store, "hostile-chat").build()) {
                ToolResult seeded = executor.execute(new ToolCall("seed-1", "add_code_file",
                        "{\"filename\":\"shared/s0.txt\",\"language\":\"text\",\"content\":\"seed\"}"));
                assertThat(seeded.error()).as("seed call: %s", seeded.content()).isFalse();
                String before = state(pool);

                HostileArguments generator = new HostileArguments(seed);
                Map<String, Integer> byCategory = new TreeMap<>();
                List<String> accepted = new ArrayList<>();
                int n = 0;
                while (n < CASES) {
                    List<ToolCall> batch = new ArrayList<>();
                    List<HostileArguments.Case> cases = new ArrayList<>();
                    for (int i = 0; i < 24 && n < CASES; i++, n++) {
                        HostileArguments.Case c = generator.next();
                        cases.add(c);
                        batch.add(new ToolCall("hostile-" + n, c.tool(), c.arguments()));
                    }
                    List<ToolResult> results = executor.execute(batch);
                    assertThat(results).hasSize(batch.size());
                    for (int i = 0; i < results.size(); i++) {
                        ToolResult r = results.get(i);
                        HostileArguments.Case c = cases.get(i);
                        byCategory.merge(c.category(), 1, Integer::sum);
                        assertThat(r.id()).isEqualTo(batch.get(i).id());
                        assertThat(r.content()).as("message for %s", c.category()).isNotBlank()
                                .doesNotContain("\tat ").doesNotContain("\u0000");
                        if (!r.error()) {
                            accepted.add(c.category() + " " + c.tool() + " " + abbreviate(c.arguments()) + " -> "
                                    + abbreviate(r.content()));
                        }
                    }
                }
                String after = state(pool);
                ToolResult still = executor.execute(new ToolCall("after-1", "list_code_files", "{}"));
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("seed", seed);
                extra.put("casesByCategory", byCategory);
                extra.put("acceptedHostileCalls", accepted.size());
                ChaosReport.record(ChaosReport.figures("hostile_tool_input", List.of("row-lock"), 24, 0, List.of(),
                        CASES, 0, Map.of("hostileCalls", CASES), List.of(), null, extra));
                assertThat(accepted).as("hostile calls accepted (seed %d)", seed).isEmpty();
                assertThat(after).as("nothing written (seed %d)", seed).isEqualTo(before);
                assertThat(still.error()).as("executor still works: %s", still.content()).isFalse();
            }
        }
    }

    /** Artifacts, heads and counters, and the rows of every table a write touches: any write changes it. */
    private static String state(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM artifacts), (SELECT coalesce(sum("
                     + "head_version), 0) || '/' || coalesce(sum(file_count), 0) || '/' || coalesce(sum(total_bytes),"
                     + " 0) FROM artifacts), (SELECT count(*) FROM artifact_versions), (SELECT count(*) FROM"
                     + " artifact_contents), (SELECT count(*) FROM artifact_files), (SELECT count(*) FROM"
                     + " artifact_manifests)")) {
            r.next();
            return "artifacts=" + r.getLong(1) + " heads/files/bytes=" + r.getString(2) + " versions=" + r.getLong(3)
                    + " contents=" + r.getLong(4) + " files=" + r.getLong(5) + " manifests=" + r.getLong(6);
        }
    }

    private static String abbreviate(String s) {
        String t = s == null ? "null" : s.replace("\u0000", "\\0");
        return t.length() > 160 ? t.substring(0, 160) + "…(" + t.length() + " chars)" : t;
    }

    @Test
    void hostileMcpLinesGetTheirJsonRpcErrorAndTheSessionGoesOn() throws Exception {
        long seed = seed();
        PostgresServer server = PostgresServer.shared();
        try (TestDatabase db = server.createDatabase("chaos_hostile_mcp");
             HikariDataSource pool = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 8,
                     Duration.ofSeconds(10), "chaos-hostile-mcp");
             PipedOutputStream client = new PipedOutputStream();
             PipedInputStream serverInput = new PipedInputStream(client, 1 << 20)) {
            Schema.apply(pool);
            Lines answers = new Lines();
            try (ToolExecutor executor = ToolExecutor.builder(ArtifactStore.create(pool), "hostile-mcp").build();
                 McpToolServer mcp = McpToolServer.start(executor, "chaos", serverInput, answers)) {
                send(client, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"chaos\",\"version\":\"1\"}}}");
                assertThat(answers.next()).contains("\"result\"");
                send(client, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                String before = state(pool);

                HostileArguments generator = new HostileArguments(seed);
                Map<String, Integer> byCategory = new TreeMap<>();
                for (int i = 0; i < MCP_LINES; i++) {
                    HostileArguments.McpLine line = generator.nextMcpLine(100 + i);
                    byCategory.merge(line.category(), 1, Integer::sum);
                    send(client, line.line());
                    JsonNode answer = Json.MAPPER.readTree(answers.next());
                    assertThat(answer.path("error").path("code").asInt())
                            .as("%s: %s -> %s (seed %d)", line.category(), abbreviate(line.line()), answer, seed)
                            .isEqualTo(line.code());
                    assertThat(answer.path("error").path("message").asText()).isNotBlank()
                            .doesNotContain("com.fasterxml").doesNotContain("\tat ");
                }
                assertThat(state(pool)).as("nothing written (seed %d, %s)", seed, byCategory).isEqualTo(before);
                send(client, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                        + "\"get_artifact_history\",\"arguments\":{}}}");
                JsonNode still = Json.MAPPER.readTree(answers.next());
                assertThat(still.at("/result/isError").asBoolean()).as("the session goes on: %s", still).isFalse();

                client.close();
                mcp.awaitInputClosed(); // returns only once the end of input has reached the server
            }
        }
    }

    @Test
    void hostileCommandLinesAreRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        long seed = seed();
        String openAi = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"list_code_files\",\"arguments\":\"{}\"}}]}}]}";
        String anthropic = "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
                + "\"id\":\"toolu_1\",\"name\":\"list_code_files\",\"input\":{}}]}";
        PostgresServer server = PostgresServer.shared();
        Path neverStarted = dir.resolve("never-started");
        try (TestDatabase db = server.createDatabase("chaos_hostile_cli")) {
            int n = 0;
            for (HostileArguments.CommandLine c : new HostileArguments(seed).commandLines(openAi, anthropic)) {
                Path file = dir.resolve("input-" + n++ + ".json");
                if (c.file() != null) {
                    Files.writeString(file, c.file());
                }
                List<String> args = new ArrayList<>(List.of("exec", "--chat", "hostile-cli"));
                args.addAll(c.exit() == 0 ? List.of("--jdbc-url", db.jdbcUrl(), "--user", server.user(),
                        "--password", server.password()) : List.of("--data-dir", neverStarted.toString()));
                c.arguments().forEach(a -> args.add(a.equals("FILE") ? file.toString() : a));
                StringWriter err = new StringWriter();
                picocli.CommandLine command = Main.commandLine();
                command.setOut(new PrintWriter(new StringWriter()));
                command.setErr(new PrintWriter(err));
                int exit = command.execute(args.toArray(String[]::new));
                assertThat(exit).as("%s %s: %s (seed %d)", c.category(), c.arguments(), err, seed).isEqualTo(c.exit());
                assertThat(err.toString()).as(c.category()).contains(c.message()).doesNotContain("unexpected failure");
            }
        }
        assertThat(neverStarted).as("no embedded server was started for a refused command line").doesNotExist();
    }

    /** The seed that replays a run: {@code -Dgapless.chaos.seed=…}, else a new one (printed with any failure). */
    private static long seed() {
        return Long.getLong("gapless.chaos.seed", System.nanoTime());
    }

    private static void send(PipedOutputStream client, String line) throws Exception {
        client.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        client.flush();
    }

    /** What the MCP server writes, one line at a time. */
    private static final class Lines extends OutputStream {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }

        String next() throws InterruptedException {
            String line = lines.poll(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(line).as("an answer from the MCP server within %s", ANSWER_WAIT).isNotNull();
            return line;
        }
    }
}
