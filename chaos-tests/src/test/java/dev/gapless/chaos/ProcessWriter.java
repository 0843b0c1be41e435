package dev.gapless.chaos;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A writer process: {@code ProcessWriter name jdbcUrl user password artifactId writers millis seed out strategy...}.
 * Runs a {@link Workload} with its own pool against one artifact and writes its append records to {@code out},
 * one JSON line each. Exit status 0 when the records were written.
 */
public final class ProcessWriter {

    private static final RetryCounter RETRIES = new RetryCounter();

    private ProcessWriter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 10) {
            System.err.println("usage: ProcessWriter name jdbcUrl user password artifactId writers millis seed out"
                    + " strategy...");
            System.exit(2);
        }
        String name = args[0];
        List<String> strategies = Arrays.asList(args).subList(9, args.length);
        int writers = Integer.parseInt(args[5]);
        // fail fast, with the driver's own message, when this process cannot reach the server at all
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", args[2]);
        if (!args[3].isEmpty()) {
            props.setProperty("password", args[3]);
        }
        // (the backend killer may terminate this very connection: retry a few times)
        for (int i = 1; !Boolean.getBoolean("gapless.chaos.noPreflight"); i++) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(args[1], props)) {
                System.err.println(name + ": connected to " + c.getMetaData().getURL());
                break;
            } catch (java.sql.SQLException e) {
                if (i == 20) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        try (HikariDataSource pool = Chaos.pool(args[1], args[2], args[3], writers, Duration.ofSeconds(5),
                name)) {
            Workload workload = Workload.builder(name)
                    .stores(Chaos.stores(pool, strategies, Duration.ofSeconds(5), RETRIES))
                    .artifacts(List.of(UUID.fromString(args[4]))).writers(writers)
                    .duration(Duration.ofMillis(Long.parseLong(args[6]))).seed(Long.parseLong(args[7])).build();
            List<AppendRecord> records = workload.run();
            System.err.println(name + ": " + records.size() + " appends, pool " + pool.getHikariPoolMXBean()
                    .getActiveConnections() + " active / " + pool.getHikariPoolMXBean().getTotalConnections()
                    + " total");
            System.err.println(name + ": store retries " + RETRIES.snapshot());
            try (java.sql.Connection c = pool.getConnection()) {
                System.err.println(name + ": after the run the pool hands out " + c);
            } catch (java.sql.SQLException e) {
                System.err.println(name + ": after the run the pool still cannot connect:");
                e.printStackTrace();
            }
            workload.failureSamples().forEach((k, e) -> {
                System.err.println("first " + k + ":");
                e.printStackTrace();
            });
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[8]),
                    StandardCharsets.UTF_8))) {
                for (AppendRecord r : records) {
                    out.println(r.toJson());
                }
            }
        }
        System.exit(0);
    }
}
