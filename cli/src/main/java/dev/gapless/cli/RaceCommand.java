package dev.gapless.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.cli.race.Race;
import dev.gapless.cli.race.RaceFiles;
import dev.gapless.cli.race.RaceResult;
import dev.gapless.cli.race.RaceRun;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gapless race}: the original scenario (N parallel {@code add_code_file} calls adding distinct files to one
 * artifact) run through each write strategy, reporting what each one produced.
 */
@Command(name = "race",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {
            "Races N parallel add_code_file calls to one artifact through each write strategy.",
            "",
            "N writers, released at the same instant, each add one distinct file to a fresh artifact with its own "
                + "tool-call id as idempotency key. Reports how many files survived in the final version, and how "
                + "long the calls took.",
            "",
            "With --runs R, counts are totals over the R runs, latency percentiles are over every call, and wall "
                + "time is the median run's.",
            "",
            "Without --jdbc-url an embedded PostgreSQL is started in a temporary directory and removed afterwards. "
                + "Either way the race runs in a new database that is dropped at the end."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the race ran (files lost by the baselines are results, not errors)",
            "1:the database could not be started, reached or used",
            "2:invalid command-line input"})
final class RaceCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RaceCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Connections the race needs besides the writers': the schema/read pool and the admin connection. */
    private static final int SPARE_CONNECTIONS = 5;
    private static final int WARM_UP_FILES = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--files", paramLabel = "N",
            description = "Parallel add_code_file calls (1.." + RaceFiles.MAX_FILES + "); repeat for several race "
                + "sizes. Default: 4.")
    private List<Integer> files;

    @Option(names = "--strategy", paramLabel = "NAME",
            description = "Write strategy to race; repeat for several. Default: all (${COMPLETION-CANDIDATES}). The"
                + " lossy baselines naive (the original bug) and seed-retry (the original fix) race only when named.",
            completionCandidates = StrategyNames.class)
    private List<String> strategies;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "1",
            description = "Runs of each (strategy, N), each on a fresh artifact. Default: ${DEFAULT-VALUE}.")
    private int runs;

    @Option(names = "--json",
            description = "Print one JSON object per (strategy, N) per line instead of tables.")
    private boolean json;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "Maintenance database of an existing server, e.g. jdbc:postgresql://localhost:5432/postgres;"
                + " the race creates and drops its own database there.")
    private String jdbcUrl;

    @Option(names = "--user", paramLabel = "U", defaultValue = "${env:GAPLESS_JDBC_USER:-postgres}",
            description = "User for --jdbc-url, allowed to create databases. Default: $GAPLESS_JDBC_USER or postgres.")
    private String user;

    @Option(names = "--password", paramLabel = "P", defaultValue = "${env:GAPLESS_JDBC_PASSWORD:-}",
            description = "Password for --jdbc-url. Default: $GAPLESS_JDBC_PASSWORD or none.")
    private String password;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    private boolean verbose;

    @Override
    public Integer call() {
        List<Integer> sizes = sizes();
        List<String> names = strategyNames();
        if (runs < 1 || runs > 1000) {
            throw new ParameterException(spec.commandLine(), "--runs must be between 1 and 1000, was " + runs);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RaceDatabase database;
        try {
            database = jdbcUrl == null ? RaceDatabase.embedded() : RaceDatabase.external(jdbcUrl, user, password);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --jdbc-url: " + e.getMessage());
        } catch (RuntimeException e) {
            return fail(err, e);
        }
        try (database) {
            DataSource admin = database.open();
            Schema.apply(admin);
            checkConnectionBudget(admin, sizes.stream().mapToInt(Integer::intValue).max().orElseThrow());
            LOG.info("Racing {} on {} with {} file(s), {} run(s) each", names, database.describe(), sizes, runs);
            warmUp(database, names);
            for (int size : sizes) {
                List<RaceResult> results = new ArrayList<>();
                for (String name : names) {
                    RaceResult result = race(database, name, size);
                    results.add(result);
                    if (json) {
                        out.println(toJson(result));
                        out.flush();
                    }
                }
                if (!json) {
                    out.printf("%d parallel add_code_file calls to one artifact%s%n", size,
                            runs == 1 ? "" : " (totals over " + runs + " runs)");
                    out.print(RaceTable.format(results));
                    out.println();
                    out.flush();
                }
            }
            return CommandLine.ExitCode.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(err, e);
        } catch (RuntimeException | SQLException e) {
            return fail(err, e);
        }
    }

    private RaceResult race(RaceDatabase database, String name, int size) throws InterruptedException,
            SQLException {
        List<RaceRun> done = new ArrayList<>(runs);
        for (int run = 1; run <= runs; run++) {
            try (RaceDatabase.Pool pool = database.writerPool(size)) {
                RaceRun result = Race.run(pool.dataSource(), strategy(name), RaceFiles.first(size));
                done.add(result);
                LOG.info("{} with {} files, run {}/{}: {} created, {} lost, {} version(s), {} retries{}, wall {} ms",
                        name, size, run, runs, result.created(), result.lost(), result.versions(), result.retries(),
                        result.failures().isEmpty() ? "" : ", failures " + result.failuresByType(),
                        Math.round(result.wallNanos() / 1e4) / 100.0);
                if (verbose) {
                    result.failures().forEach(f -> LOG.info("{}: {}", name, f.toString()));
                }
            }
        }
        return RaceResult.of(done);
    }

    /**
     * One small unreported race per strategy first, so that class loading and the first JIT compilations are not
     * charged to whichever strategy happens to run first.
     */
    private static void warmUp(RaceDatabase database, List<String> names) throws InterruptedException,
            SQLException {
        try (RaceDatabase.Pool pool = database.writerPool(WARM_UP_FILES)) {
            for (String name : names) {
                Race.run(pool.dataSource(), strategy(name), RaceFiles.first(WARM_UP_FILES));
            }
        }
    }

    /** Fails early, with a clear message, when the server cannot give every writer its own connection. */
    private static void checkConnectionBudget(DataSource admin, int writers) throws SQLException {
        try (Connection c = admin.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('max_connections')::int"
                     + " - current_setting('superuser_reserved_connections')::int")) {
            rs.next();
            int available = rs.getInt(1);
            if (writers + SPARE_CONNECTIONS > available) {
                throw new IllegalStateException("the server allows " + available + " connections, but a race of "
                        + writers + " writers needs " + (writers + SPARE_CONNECTIONS)
                        + " (one per writer); raise max_connections or race fewer files");
            }
        }
    }

    private List<Integer> sizes() {
        if (files == null || files.isEmpty()) {
            return List.of(4);
        }
        for (int n : files) {
            if (n < 1 || n > RaceFiles.MAX_FILES) {
                throw new ParameterException(spec.commandLine(),
                        "--files must be between 1 and " + RaceFiles.MAX_FILES + ", was " + n);
            }
        }
        return List.copyOf(new LinkedHashSet<>(files));
    }

    /** The strategy of that name; a lossy baseline, which only a race runs, when it names one. */
    private static WriteStrategy strategy(String name) {
        return WriteStrategy.lossyBaselineNames().contains(name) ? WriteStrategy.lossyBaseline(name)
                : WriteStrategy.named(name);
    }

    private List<String> strategyNames() {
        List<String> known = WriteStrategy.names();
        if (strategies == null || strategies.isEmpty()) {
            return known;
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String requested : strategies) {
            String name = requested.trim().toLowerCase(Locale.ROOT);
            if (!known.contains(name) && !WriteStrategy.lossyBaselineNames().contains(name)) {
                throw new ParameterException(spec.commandLine(), "unknown strategy '" + requested
                        + "'; known strategies: " + String.join(", ", known) + " (and the lossy baselines "
                        + String.join(", ", WriteStrategy.lossyBaselineNames()) + ", raced only when named)");
            }
            chosen.add(name);
        }
        return List.copyOf(chosen);
    }

    private int fail(PrintWriter err, Exception e) {
        err.println("gapless race: " + describe(e));
        if (verbose) {
            e.printStackTrace(err);
        } else {
            err.println("(run with --verbose for the stack trace)");
        }
        err.flush();
        return Main.EXIT_FAILURE;
    }

    /** The messages of an exception and its causes, without repeats: what went wrong, and why. */
    static String describe(Throwable failure) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = failure; t != null && messages.size() < 6; t = t.getCause()) {
            String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            String message = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            if (messages.stream().noneMatch(m -> m.contains(message))) {
                messages.add(message);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return messages.stream().collect(Collectors.joining(": "));
    }

    private static String toJson(RaceResult r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("strategy", r.strategy());
        node.put("files", r.files());
        node.put("created", r.created());
        node.put("lost", r.lost());
        node.put("versions", r.versions());
        node.put("retries", r.retries());
        node.put("failures", r.failures());
        node.put("p50_ms", r.p50Ms());
        node.put("p99_ms", r.p99Ms());
        node.put("wall_ms", r.wallMs());
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** The names of the strategies that keep every append, for the help texts (not the lossy baselines). */
    static final class StrategyNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return WriteStrategy.names().iterator();
        }
    }
}
