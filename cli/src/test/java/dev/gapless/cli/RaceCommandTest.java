package dev.gapless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PgBouncer;
import dev.gapless.testkit.PostgresServer;
import dev.gapless.testkit.RequiresPgBouncer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class RaceCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("strategy", "files", "created", "lost", "versions", "retries",
            "failures", "p50_ms", "p99_ms", "wall_ms");

    /** Runs {@code gapless args...} in-process, capturing standard output and standard error. */
    private static Execution gapless(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Execution(exitCode, out.toString(), err.toString());
    }

    private record Execution(int exitCode, String out, String err) {
    }

    /** The race's server: {@code GAPLESS_JDBC_URL} when set (as for the other modules' tests), else embedded. */
    private static List<String> serverArgs() {
        String url = System.getenv("GAPLESS_JDBC_URL");
        if (url == null || url.isBlank()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("--jdbc-url", url.trim()));
        String user = System.getenv("GAPLESS_JDBC_USER");
        if (user != null) {
            args.addAll(List.of("--user", user));
        }
        String password = System.getenv("GAPLESS_JDBC_PASSWORD");
        if (password != null) {
            args.addAll(List.of("--password", password));
        }
        return args;
    }

    @Test
    void rowLockRaceLosesNoFilesAndPrintsOneJsonLinePerSize() throws Exception {
        List<String> args = new ArrayList<>(List.of("race", "--files", "4", "--files", "16",
                "--strategy", "row-lock", "--json"));
        args.addAll(serverArgs());

        Execution run = gapless(args.toArray(String[]::new));

        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        int[] sizes = {4, 16};
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            List<String> keys = new ArrayList<>();
            line.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as(lines.get(i)).containsExactlyElementsOf(KEYS);
            assertThat(line.get("strategy").asText()).isEqualTo("row-lock");
            assertThat(line.get("files").isInt()).isTrue();
            assertThat(line.get("p50_ms").isNumber()).isTrue();
            assertThat(line.get("wall_ms").isNumber()).isTrue();
            assertThat(line.get("files").asInt()).isEqualTo(sizes[i]);
            assertThat(line.get("created").asInt()).as(lines.get(i)).isEqualTo(sizes[i]);
            assertThat(line.get("versions").asInt()).as(lines.get(i)).isEqualTo(sizes[i]);
            assertThat(line.get("lost").asInt()).as(lines.get(i)).isZero();
            assertThat(line.get("failures").asInt()).as(lines.get(i)).isZero();
        }
    }

    @Test
    @RequiresPgBouncer
    void noStrategyFailsAnAppendThroughPgBouncerInTransactionPoolingMode() throws Exception {
        PostgresServer server = PostgresServer.shared();
        // serializable runs first: its isolation is set inside each of its transactions, so nothing it does can
        // reach the next client of a server connection (pgjdbc's setTransactionIsolation would: SET SESSION ...)
        List<String> strategies = new ArrayList<>(List.of("serializable"));
        strategies.addAll(WriteStrategy.lossyBaselineNames()); // raced only when named
        WriteStrategy.names().stream().filter(s -> !s.equals("serializable")).forEach(strategies::add);
        List<String> args = new ArrayList<>(List.of("race", "--files", "16", "--json"));
        strategies.forEach(s -> args.addAll(List.of("--strategy", s)));
        // 8 server connections for 16 writers: every writer's transactions share them
        try (PgBouncer bouncer = PgBouncer.inFrontOf(server).poolSize(8).start()) {
            args.addAll(List.of("--jdbc-url", bouncer.jdbcUrl("postgres"), "--user", server.user(),
                    "--password", server.password()));
            Execution run = gapless(args.toArray(String[]::new));

            assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.err()).isZero();
            List<String> raced = new ArrayList<>();
            for (String text : run.out().lines().toList()) {
                System.out.println("[race through PgBouncer] " + text);
                JsonNode line = JSON.readTree(text);
                String strategy = line.get("strategy").asText();
                raced.add(strategy);
                if (strategy.equals("naive") || strategy.equals("seed-retry")) {
                    continue; // the baselines lose files by design, with or without PgBouncer
                }
                assertThat(line.get("failures").asInt()).as(text).isZero();
                assertThat(line.get("lost").asInt()).as(text).isZero();
                assertThat(line.get("versions").asInt()).as(text).isEqualTo(16);
            }
            assertThat(raced).containsExactlyElementsOf(strategies);
        }
    }

    /** Issue 19: by default a race runs the real strategies; a lossy baseline races when it is named. */
    @Test
    void aLossyBaselineRacesOnlyWhenNamedAndTheHelpOffersTheRealStrategies() throws Exception {
        List<String> args = new ArrayList<>(List.of("race", "--files", "2", "--strategy", "NAIVE", "--strategy",
                "row-lock", "--json"));
        args.addAll(serverArgs());

        Execution run = gapless(args.toArray(String[]::new));

        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.err()).isZero();
        List<String> raced = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            raced.add(JSON.readTree(line).get("strategy").asText());
        }
        assertThat(raced).containsExactly("naive", "row-lock");
        Execution help = gapless("race", "--help");
        String text = help.out().replaceAll("\\s+", " ");
        assertThat(text).contains("Default: all (" + String.join(", ", WriteStrategy.names()) + ")")
                .contains("race only when named");
    }

    @Test
    void unknownStrategyIsAUsageErrorNamingTheKnownStrategies() {
        Execution run = gapless("race", "--strategy", "nope", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("unknown strategy 'nope'");
        for (String name : WriteStrategy.names()) {
            assertThat(run.err()).contains(name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1000", "-1", "257"})
    void fileCountsOutsideOneTo256AreRejected(String files) {
        Execution run = gapless("race", "--files", "4", "--files", files,
                "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--files must be between 1 and 256, was " + files);
    }

    @Test
    void unreachableServerFailsWithAClearMessageAndNoStackTrace() {
        // port 1 on the loopback interface: nothing listens there, so the connection is refused at once
        Execution run = gapless("race", "--strategy", "row-lock", "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=5");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("gapless race: ").contains("127.0.0.1:1").doesNotContain("\tat ");
    }

    @Test
    void jdbcUrlThatIsNotPostgresIsAUsageError() {
        Execution run = gapless("race", "--jdbc-url", "jdbc:mysql://localhost/db");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("invalid --jdbc-url");
    }

    @Test
    void versionAndHelpGoToStandardOutput() {
        Execution version = gapless("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("gapless ").doesNotContain("unknown");

        Execution help = gapless("race", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--files", "--strategy", "--json", "--jdbc-url", "--runs");
    }

    @Test
    void gaplessWithoutSubcommandShowsUsageAsAnError() {
        Execution run = gapless();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("race");
    }
}
