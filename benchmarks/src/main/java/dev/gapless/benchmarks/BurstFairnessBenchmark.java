package dev.gapless.benchmarks;

import dev.gapless.executor.ToolResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Fairness: one chat firing 64 parallel calls again and again beside 100 chats firing one call each, all at once.
 * JMH reports the two methods of the group apart: {@code burst:smallChat} is the latency of a one-call chat while the
 * burst runs, the number to watch; {@code burst:burstChat} that of the 64-call message. The baseline
 * {@code executor-per-chat} gives every chat its own executor and pool of 16 workers, as before one executor served
 * many chats; both designs share the same 18 database connections.
 *
 * <p>Rerun one cell: {@code java -jar benchmarks/target/benchmarks.jar BurstFairnessBenchmark -p design=shared-fair}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class BurstFairnessBenchmark {

    private static final int BURST = 64;
    private static final int WORKERS = 16;

    /** The executor design and the database. */
    @State(Scope.Group)
    public static class Shared {

        /** {@code shared-fair} or the baseline {@code executor-per-chat}. */
        @Param({ChatLoad.SHARED, ChatLoad.PER_CHAT})
        public String design;

        ChatLoad load;
        final AtomicInteger smallChats = new AtomicInteger();
        private BenchmarkParams params;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            this.params = params;
            load = new ChatLoad("burst", design, WORKERS, WORKERS);
        }

        /** Checks every chat's artifact, then drops the database. */
        @TearDown(Level.Trial)
        public void tearDown() {
            load.check(params);
        }
    }

    /** Each small-chat thread is one chat. */
    @State(Scope.Thread)
    public static class SmallChat {
        String chat;

        @Setup(Level.Trial)
        public void setUp(Shared shared) {
            chat = "small-" + shared.smallChats.incrementAndGet();
        }
    }

    /**
     * The big chat's message of 64 parallel calls.
     *
     * @param shared the load
     * @return the 64 results
     */
    @Benchmark
    @Group("burst")
    @GroupThreads(1)
    public List<ToolResult> burstChat(Shared shared) {
        return shared.load.execute("burst", shared.load.adds(BURST));
    }

    /**
     * A small chat's message of one call.
     *
     * @param shared the load
     * @param small  this thread's chat
     * @return the result
     */
    @Benchmark
    @Group("burst")
    @GroupThreads(100)
    public List<ToolResult> smallChat(Shared shared, SmallChat small) {
        return shared.load.execute(small.chat, shared.load.adds(1));
    }
}
