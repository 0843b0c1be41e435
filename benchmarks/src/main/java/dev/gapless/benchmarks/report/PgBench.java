package dev.gapless.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Schema;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ceiling and the batch limit as PostgreSQL's own client runs them: {@code pgbench} with the very statements of
 * {@code BaselineBenchmark.ceiling} and {@code BatchLimitBenchmark}, against the same server as the JMH run, so
 * that the Java figures can be read beside what the database does without a JVM in between. Skipped, with the
 * reason in the report, when {@code pgbench} is not on the PATH.
 */
final class PgBench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final String CHANGE = "{\"op\":\"put\",\"file\":{\"filename\":\"src/writer_00.cpp\","
            + "\"language\":\"cpp\",\"description\":\"seq=1\",\"sha256\":\"" + "0".repeat(64) + "\",\"bytes\":330}}";

    private PgBench() {
    }

    /** The pgbench executable, if on the PATH. */
    static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "pgbench");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs the ceiling and the batch limit for each {@code k} with {@code clients} clients for {@code seconds}
     * each, and writes the versions per second to {@code out} as JSON.
     */
    static void run(PostgresServer server, int clients, int seconds, int[] ks, Path out) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        Optional<Path> pgbench = find();
        if (pgbench.isEmpty()) {
            root.put("skipped", "pgbench is not on the PATH");
            Files.writeString(out, mapper.writeValueAsString(root), StandardCharsets.UTF_8);
            return;
        }
        root.put("clients", clients);
        root.put("seconds", seconds);
        root.put("version", version(pgbench.get()));
        ArrayNode runs = root.putArray("runs");
        runs.add(runOne(server, pgbench.get(), clients, seconds, 1, out.getParent()));
        for (int k : ks) {
            runs.add(runOne(server, pgbench.get(), clients, seconds, k, out.getParent()));
        }
        Files.writeString(out, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                StandardCharsets.UTF_8);
    }

    private static ObjectNode runOne(PostgresServer server, Path pgbench, int clients, int seconds, int k, Path dir)
            throws Exception {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("name", k == 1 ? "ceiling" : "batch limit, k=" + k);
        node.put("k", k);
        try (TestDatabase db = server.createDatabase("bench_pgbench")) {
            UUID artifact;
            try (var ds = db.newDataSource(2)) {
                Schema.apply(ds);
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("INSERT INTO artifacts (chat_id, type, title)"
                             + " VALUES ('pgbench', 'code', 'hot') RETURNING id")) {
                    r.next();
                    artifact = r.getObject(1, UUID.class);
                }
            }
            String sql = k == 1
                    ? "WITH h AS (UPDATE artifacts SET head_version = head_version + 1 WHERE id = :artifact"
                    + " RETURNING head_version) INSERT INTO artifact_versions (artifact_id, version_number,"
                    + " change_json, change_summary, idempotency_key, file_count) SELECT :artifact,"
                    + " h.head_version, '" + CHANGE + "'::jsonb, 'Updated src/writer_00.cpp', NULL, 1 FROM h;\n"
                    : "WITH h AS (UPDATE artifacts SET head_version = head_version + " + k + " WHERE id = :artifact"
                    + " RETURNING head_version) INSERT INTO artifact_versions (artifact_id, version_number,"
                    + " change_json, change_summary, idempotency_key, file_count) SELECT :artifact,"
                    + " h.head_version - " + k + " + g.i, '" + CHANGE + "'::jsonb, 'Updated src/writer_00.cpp',"
                    + " NULL, 1 FROM h, generate_series(1, " + k + ") AS g(i);\n";
            Path script = dir.resolve("pgbench-" + k + ".sql");
            Files.writeString(script, sql, StandardCharsets.UTF_8);
            URIParts u = URIParts.of(db.jdbcUrl());
            List<String> command = new ArrayList<>(List.of(pgbench.toString(), "-n", "-M", "prepared",
                    "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)),
                    "-T", Integer.toString(seconds), "-f", script.toString(), "-D", "artifact=" + artifact,
                    "-h", u.host(), "-p", Integer.toString(u.port()), "-U", server.user(), u.database()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", server.password());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("pgbench failed: " + output);
            }
            Matcher m = TPS.matcher(output);
            if (!m.find()) {
                throw new IOException("no tps in pgbench's output: " + output);
            }
            double tps = Double.parseDouble(m.group(1));
            node.put("statementsPerSecond", tps);
            node.put("versionsPerSecond", tps * k);
        }
        return node;
    }

    private static String version(Path pgbench) {
        try {
            Process p = new ProcessBuilder(pgbench.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Host, port and database of a {@code jdbc:postgresql://host:port/db?…} URL. */
    record URIParts(String host, int port, String database) {
        static URIParts of(String jdbcUrl) {
            Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*").matcher(jdbcUrl);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
            }
            return new URIParts(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), m.group(3));
        }
    }
}
