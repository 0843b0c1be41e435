package dev.gapless.benchmarks;

import dev.gapless.executor.ToolResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Many chats, each firing four parallel {@code add_code_file} calls: 64 agent threads take turns over 1,000 chats
 * (each operation is the next chat's assistant message of four calls), all through one executor's 16 workers, or,
 * as the baseline, through one executor per chat. One operation is one chat's wait for its four results, so the
 * sampled percentiles are per-chat latency.
 *
 * <p>Rerun one cell: {@code java -jar benchmarks/target/benchmarks.jar ManyChatsBenchmark -p design=shared-fair}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(64)
public class ManyChatsBenchmark {

    private static final int CALLS = 4;
    private static final int WORKERS = 16;

    /** The executor design, the database, and the rotation over the chats. */
    @State(Scope.Benchmark)
    public static class Shared {

        /** {@code shared-fair} or the baseline {@code executor-per-chat}. */
        @Param({ChatLoad.SHARED, ChatLoad.PER_CHAT})
        public String design;

        /** How many chats the agents rotate over. */
        @Param("1000")
        public int chats;

        ChatLoad load;
        final AtomicLong turn = new AtomicLong();
        private BenchmarkParams params;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            this.params = params;
            load = new ChatLoad("chats", design, WORKERS, WORKERS);
        }

        /** Checks every chat's artifact, then drops the database. */
        @TearDown(Level.Trial)
        public void tearDown() {
            load.check(params);
        }
    }

    /**
     * One chat's assistant message: four parallel calls, waited for.
     *
     * @param shared the load
     * @return the four results
     */
    @Benchmark
    public List<ToolResult> fourCallsOfOneChat(Shared shared) {
        String chat = "chat-" + shared.turn.getAndIncrement() % shared.chats;
        return shared.load.execute(chat, shared.load.adds(CALLS));
    }
}
