package dev.gapless.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.CodeFile;
import dev.gapless.cli.race.RaceFiles;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The seed scenario, end to end: a model response with four parallel {@code add_code_file} calls (main.cpp,
 * config.h, platformio.ini, README.md) executed by a {@link ToolExecutor} against a fresh chat. One operation is the
 * wall time of {@code execute(calls)} for all four, per strategy. JMH's own thread is the agent loop, so run it with
 * one thread; the executor's workers are the four writers.
 *
 * <p>Rerun one cell: {@code java -jar benchmarks/target/benchmarks.jar SeedScenarioBenchmark -p strategy=seed-retry}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class SeedScenarioBenchmark {

    private static final int CALLS = 4;

    /** The store under test; one per trial. Every operation uses a new chat, so a new artifact. */
    @State(Scope.Benchmark)
    public static class Shared {

        /** The write strategy, by name. */
        @Param({"naive", "seed-retry", "retry", "optimistic", "row-lock", "advisory-lock", "serializable",
                "server-function", "group-commit"})
        public String strategy;

        BenchDatabase database;
        ArtifactStore store;
        List<String> arguments;
        final List<Run> runs = new ArrayList<>();
        private BenchmarkParams params;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            this.params = params;
            database = BenchDatabase.create("seed", CALLS * params.getThreads());
            store = ArtifactStore.builder(database.dataSource()).strategy(Strategies.named(strategy)).build();
            ObjectMapper json = new ObjectMapper();
            arguments = new ArrayList<>();
            for (CodeFile file : RaceFiles.first(CALLS)) {
                ObjectNode args = json.createObjectNode();
                args.put("filename", file.filename());
                args.put("language", file.language());
                args.put("content", file.content());
                args.put("description", file.description());
                arguments.add(args.toString());
            }
        }

        /** Verifies every run's artifact: each call that reported success has its file; then drops the database. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                Checks checks = new Checks(params, strategy);
                synchronized (runs) {
                    for (Run run : runs) {
                        checks.chat(store, run.chatId, run.added, run.failed);
                    }
                }
                checks.finish();
            } finally {
                database.close();
            }
        }
    }

    /** One agent turn: a fresh chat, its executor and the four calls. */
    @State(Scope.Thread)
    public static class Turn {

        private static int counter;

        ToolExecutor executor;
        List<ToolCall> calls;
        List<ToolResult> results;
        String chatId;

        @Setup(Level.Invocation)
        public void setUp(Shared shared) {
            int n;
            synchronized (Turn.class) {
                n = ++counter;
            }
            chatId = "seed-" + n;
            executor = ToolExecutor.builder(shared.store, chatId).maxParallelism(CALLS).build();
            calls = new ArrayList<>(CALLS);
            for (int i = 0; i < CALLS; i++) {
                calls.add(new ToolCall("call_" + n + "_" + i, "add_code_file", shared.arguments.get(i)));
            }
        }

        @TearDown(Level.Invocation)
        public void tearDown(Shared shared) {
            executor.close();
            List<String> added = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < calls.size(); i++) {
                if (results == null || results.get(i).error()) {
                    failed++;
                } else {
                    added.add(RaceFiles.first(CALLS).get(i).filename());
                }
            }
            synchronized (shared.runs) {
                shared.runs.add(new Run(chatId, Set.copyOf(added), failed));
            }
            results = null;
        }
    }

    record Run(String chatId, Set<String> added, int failed) {
    }

    /**
     * Executes the four parallel {@code add_code_file} calls.
     *
     * @return the tool results, one per call
     */
    @Benchmark
    public List<ToolResult> fourParallelAddCodeFile(Turn turn) {
        turn.results = turn.executor.execute(turn.calls);
        return turn.results;
    }
}
