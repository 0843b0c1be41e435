package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ToolExecutor.Builder#virtualThreads}: the calls run on virtual threads, and after a warm-up (classes
 * loaded, the pool's connections open) a run of parallel tool calls records no {@code jdk.VirtualThreadPinned} event
 * in Java Flight Recorder, at any duration: a virtual thread never blocks while pinned to its carrier.
 */
class VirtualThreadsTest {

    private static final int CHATS = 4;
    private static final int CALLS = 16;

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(16);

    /** The threads the listener saw start calls, by whether they were virtual. */
    private final Set<Boolean> virtual = ConcurrentHashMap.newKeySet();

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void rowLockCallsRunOnVirtualThreadsAndNeverPinTheirCarrierAfterWarmUp(@TempDir Path dir) throws Exception {
        assertNoPinningAfterWarmUp(WriteStrategy.rowLock(), dir);
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void groupCommitCallsRunOnVirtualThreadsAndNeverPinTheirCarrierAfterWarmUp(@TempDir Path dir) throws Exception {
        assertNoPinningAfterWarmUp(WriteStrategy.groupCommit(), dir);
    }

    @Test
    @EnabledForJreRange(max = JRE.JAVA_20)
    void beforeJava21AskingForVirtualThreadsIsAClearErrorAndPlatformThreadsStillWork() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        assertThatThrownBy(() -> ToolExecutor.builder(store).virtualThreads(true))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("virtual threads need Java 21 or newer; this is Java " + Runtime.version().feature()
                        + " (leave virtualThreads off to run the calls on platform threads)");
        try (ToolExecutor executor = ToolExecutor.builder(store).virtualThreads(false).build()) {
            assertThat(executor.virtualThreads()).isFalse();
            assertThat(executor.execute("chat-" + UUID.randomUUID(),
                    ToolExecutorTest.add("c1", "main.cpp", "x")).error()).isFalse();
        }
    }

    private void assertNoPinningAfterWarmUp(WriteStrategy strategy, Path dir) throws Exception {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(strategy).build();
        ToolCallListener listener = new ToolCallListener() {
            @Override
            public Completion started(String chatId, ToolCall call) {
                virtual.add(isVirtual(Thread.currentThread()));
                return Completion.NONE;
            }
        };
        try (ToolExecutor executor = ToolExecutor.builder(store).virtualThreads(true).maxParallelism(CALLS)
                .callTimeout(Duration.ofSeconds(60)).listener(listener).build()) {
            assertThat(executor.virtualThreads()).isTrue();
            run(executor);   // warm-up: classes loaded and initialised, connections opened, plans cached

            Path jfr = dir.resolve("pinning.jfr");
            try (Recording recording = new Recording()) {
                recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
                recording.start();
                run(executor);
                run(executor);
                recording.stop();
                recording.dump(jfr);
            }
            List<RecordedEvent> pinned = RecordingFile.readAllEvents(jfr).stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned")).toList();
            assertThat(pinned).as("virtual threads pinned after warm-up:%n%s", describe(pinned)).isEmpty();
        }
        assertThat(virtual).as("every call started on a virtual thread").containsExactly(true);
    }

    /** {@value #CHATS} chats at once, each firing {@value #CALLS} parallel add_code_file calls; all must land. */
    private static void run(ToolExecutor executor) throws Exception {
        String run = UUID.randomUUID().toString();
        ExecutorService agents = Executors.newFixedThreadPool(CHATS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<ToolResult>>> answers = new ArrayList<>();
            for (int c = 0; c < CHATS; c++) {
                String chat = "chat-" + c + "-" + run;
                List<ToolCall> calls = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    calls.add(ToolExecutorTest.add(chat + "-" + i, "src/module_" + i + ".cpp", "// " + i));
                }
                answers.add(agents.submit(() -> {
                    go.await();
                    return executor.execute(chat, calls);
                }));
            }
            go.countDown();
            for (Future<List<ToolResult>> answer : answers) {
                List<ToolResult> results = answer.get();
                assertThat(results).hasSize(CALLS).allSatisfy(r -> assertThat(r.error()).as(r.content()).isFalse());
                List<Integer> versions = new ArrayList<>();
                for (ToolResult r : results) {
                    versions.add(ToolExecutorTest.json(r).path("version").asInt());
                }
                assertThat(versions).as("one version each, no gap").containsExactlyInAnyOrderElementsOf(
                        java.util.stream.IntStream.rangeClosed(1, CALLS).boxed().toList());
            }
        } finally {
            agents.shutdownNow();
        }
    }

    /** {@code thread.isVirtual()}, which Java 17 (the level these tests compile at) does not have. */
    private static boolean isVirtual(Thread thread) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static String describe(List<RecordedEvent> pinned) {
        return pinned.stream().limit(5).map(e -> e.getDuration() + " pinned at:\n" + stack(e))
                .collect(Collectors.joining("\n---\n"));
    }

    private static String stack(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return "(no stack trace)";
        }
        StringBuilder out = new StringBuilder();
        for (RecordedFrame f : e.getStackTrace().getFrames().stream().limit(25).toList()) {
            out.append("    ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                    .append(':').append(f.getLineNumber()).append('\n');
        }
        return out.toString();
    }
}
