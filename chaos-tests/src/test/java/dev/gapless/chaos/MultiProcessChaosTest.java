package dev.gapless.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fault 6: K = 3 separate JVMs, each with its own pool and its own strategies (group-commit's in-process queue is
 * per JVM: only the database lock serializes the leaders), write one artifact at once while backends are
 * terminated. The parent merges their records and checks.
 */
class MultiProcessChaosTest {

    private static final List<List<String>> PROCESS_STRATEGIES = List.of(
            List.of("group-commit"),
            List.of("row-lock", "server-function"),
            List.of("optimistic", "advisory-lock", "group-commit"));

    @Test
    void threeProcessesWritingOneArtifactKeepEveryInvariant() throws Exception {
        PostgresServer server = PostgresServer.shared();
        Duration phase = Chaos.duration(Duration.ofSeconds(8));
        int threadsPerProcess = 4;
        try (TestDatabase db = server.createDatabase("chaos_processes");
             HikariDataSource healthy = Chaos.pool(db.jdbcUrl(), server.user(), server.password(), 4,
                     Duration.ofSeconds(10), "chaos-processes-check")) {
            UUID artifact = Chaos.artifacts(healthy, "chaos-processes", 1).get(0);
            Path dir = Files.createTempDirectory(ChaosReport.target().toAbsolutePath(), "processes-");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // surefire runs tests from a manifest-only jar; this property has the real test class path
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            Set<String> strategies = new LinkedHashSet<>();
            BackendKiller killer = new BackendKiller(server.jdbcUrl("postgres"), server.user(), server.password(),
                    db.name(), Duration.ofMillis(150));
            for (int k = 0; k < PROCESS_STRATEGIES.size(); k++) {
                Path out = dir.resolve("p" + k + ".jsonl");
                outputs.add(out);
                strategies.addAll(PROCESS_STRATEGIES.get(k));
                List<String> command = new ArrayList<>(List.of(java, "-Dgapless.chaos.noPreflight="
                        + Boolean.getBoolean("gapless.chaos.noPreflight"), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                        classpath, ProcessWriter.class.getName(), "p" + k, db.jdbcUrl(), server.user(),
                        server.password().isEmpty() ? "" : server.password(), artifact.toString(),
                        Integer.toString(threadsPerProcess), Long.toString(phase.toMillis()),
                        Long.toString(System.nanoTime() + k), out.toString()));
                command.addAll(PROCESS_STRATEGIES.get(k));
                processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("p" + k + ".log").toFile()).start());
            }
            if (!Boolean.getBoolean("gapless.chaos.noKiller")) {
                killer.start();
            }
            try {
                for (int k = 0; k < processes.size(); k++) {
                    Process p = processes.get(k);
                    boolean exited = p.waitFor(phase.toSeconds() + 120, TimeUnit.SECONDS);
                    if (!exited) {
                        p.destroyForcibly();
                    }
                    assertThat(exited && p.exitValue() == 0).as("process %d exited cleanly; log:%n%s", k,
                            Files.exists(dir.resolve("p" + k + ".log"))
                                    ? Files.readString(dir.resolve("p" + k + ".log")) : "").isTrue();
                }
            } finally {
                killer.close();
                processes.forEach(Process::destroyForcibly);
            }
            List<AppendRecord> records = new ArrayList<>();
            for (Path out : outputs) {
                for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                    records.add(AppendRecord.fromJson(line));
                }
            }
            Workload resolver = Workload.replay("processes", records);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("processes", processes.size());
            extra.put("recordsPerProcess", outputs.stream().map(o -> {
                try {
                    return Files.readAllLines(o).size();
                } catch (java.io.IOException e) {
                    return -1;
                }
            }).toList());
            Scenarios.finish("multi_process_k3", resolver, strategies, processes.size() * threadsPerProcess, phase,
                    List.of(artifact), healthy, Map.of("backendsTerminated", killer.killed()), null, extra);
            assertThat(records.stream().map(AppendRecord::writer).map(w -> w.substring(0, 2)).distinct().count())
                    .as("records from every process").isEqualTo(processes.size());
        }
    }
}
