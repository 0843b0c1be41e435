package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
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
import org.junit.jupiter.api.Test;

/**
 * Hostile tool-call arguments through the executor: wrong types, missing and extra fields, huge strings, control
 * and NUL characters, path tricks, deeply nested and malformed JSON, unknown tools, deletes of missing files. Each
 * must yield an error result with a safe message; nothing is written; the executor keeps working.
 */
class HostileToolInputTest {

    private static final int CASES = Integer.getInteger("gapless.chaos.hostileCases", 1200);

    @Test
    void hostileArgumentsYieldErrorsAndWriteNothing() throws Exception {
        long seed = Long.getLong("gapless.chaos.seed", System.nanoTime());
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
}
