package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One executor, one worker pool, many chats. */
class ManyChatsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(24);

    private static List<ToolCall> fourAdds(String chat) {
        List<ToolCall> calls = new ArrayList<>();
        for (String name : List.of("main.cpp", "config.h", "platformio.ini", "README.md")) {
            calls.add(ToolExecutorTest.add(chat + "/" + name, name, chat + ":" + name));
        }
        return calls;
    }



    @Test
    void fortyChatsFiringFourCallsAtOnceEachKeepTheirOwnFourFiles() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String run = UUID.randomUUID().toString();
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            chats.add("chat-" + i + "-" + run);
        }
        ExecutorService agents = Executors.newFixedThreadPool(40);
        try (ToolExecutor executor = ToolExecutor.builder(store).maxParallelism(8).build()) {
            List<Future<List<ToolResult>>> answers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (String chat : chats) {
                answers.add(agents.submit(() -> {
                    go.await();
                    return executor.execute(chat, fourAdds(chat));
                }));
            }
            go.countDown();
            for (int i = 0; i < chats.size(); i++) {
                List<ToolResult> results = answers.get(i).get(60, TimeUnit.SECONDS);
                assertThat(results).noneMatch(ToolResult::error);
                assertThat(results).extracting(ToolResult::id).containsExactlyElementsOf(
                        fourAdds(chats.get(i)).stream().map(ToolCall::id).toList());
            }
            for (String chat : chats) {
                assertThat(Recorded.files(store, chat))
                        .containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");
                assertThat(Recorded.versions(store, chat)).isEqualTo(4);
                assertThat(store.file(store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id(), "main.cpp")
                        .orElseThrow().file().content()).isEqualTo(chat + ":main.cpp");
            }
            // replayed: nothing added anywhere
            for (String chat : chats.subList(0, 5)) {
                assertThat(executor.execute(chat, fourAdds(chat))).allMatch(r -> r.content().contains(
                        "\"deduplicated\":true"));
                assertThat(Recorded.versions(store, chat)).isEqualTo(4);
            }
        } finally {
            agents.shutdownNow();
        }
    }

    @Test
    void theListenerHearsEveryCallQueuedStartedAndFinishedWithItsChat() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Map<String, String> finished = new ConcurrentHashMap<>();
        List<String> queued = new CopyOnWriteArrayList<>();
        List<String> startedOn = new CopyOnWriteArrayList<>();
        ToolCallListener listener = new ToolCallListener() {
            @Override
            public void queued(String chatId, ToolCall call, int chatQueued) {
                queued.add(chatId + "|" + call.id() + "|" + (chatQueued >= 1));
            }

            @Override
            public Completion started(String chatId, ToolCall call) {
                String thread = Thread.currentThread().getName();
                startedOn.add(thread);
                return (result, nanos) -> {
                    assertThat(Thread.currentThread().getName()).isEqualTo(thread);
                    finished.put(call.id(), chatId + "|" + result.error() + "|" + (nanos >= 0));
                };
            }
        };
        String chat = "listened-" + UUID.randomUUID();
        try (ToolExecutor executor = ToolExecutor.builder(store).listener(listener).build()) {
            executor.execute(chat, List.of(ToolExecutorTest.add("ok-1", "a.txt", "a"),
                    new ToolCall("bad-1", "no_such_tool", "{}")));
        }
        assertThat(queued).containsExactlyInAnyOrder(chat + "|ok-1|true", chat + "|bad-1|true");
        assertThat(startedOn).hasSize(2).allMatch(name -> name.startsWith("gapless-tools-"));
        assertThat(finished).containsEntry("ok-1", chat + "|false|true").containsEntry("bad-1", chat + "|true|true");
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheCall() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        ToolCallListener broken = new ToolCallListener() {
            @Override
            public void queued(String chatId, ToolCall call, int chatQueued) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public Completion started(String chatId, ToolCall call) {
                throw new IllegalStateException("broken listener");
            }
        };
        String chat = "broken-listener-" + UUID.randomUUID();
        try (ToolExecutor executor = ToolExecutor.builder(store).listener(broken).build()) {
            ToolResult result = executor.execute(chat, ToolExecutorTest.add("c1", "a.txt", "a"));
            assertThat(result.error()).isFalse();
        }
        assertThat(Recorded.versions(store, chat)).isEqualTo(1);
    }

    @Test
    void aCallStillQueuedAtItsDeadlineSaysNothingWasWrittenAndNeverRuns() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ToolCallListener holdsTheOnlyWorker = new ToolCallListener() {
            @Override
            public Completion started(String chatId, ToolCall call) {
                if (chatId.startsWith("hog")) {
                    blocking.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return Completion.NONE;
            }
        };
        String hog = "hog-" + UUID.randomUUID();
        String waiting = "waiting-" + UUID.randomUUID();
        ExecutorService agent = Executors.newSingleThreadExecutor();
        try (ToolExecutor executor = ToolExecutor.builder(store).maxParallelism(1)
                .callTimeout(Duration.ofMillis(200)).listener(holdsTheOnlyWorker).build()) {
            Future<ToolResult> hogged = agent.submit(() -> executor.execute(hog, new ToolCall("h1", "list_code_files",
                    "{}")));
            assertThat(blocking.await(30, TimeUnit.SECONDS)).isTrue();

            ToolResult result = executor.execute(waiting, ToolExecutorTest.add("w1", "late.txt", "late"));
            assertThat(result.error()).isTrue();
            assertThat(result.content()).contains("waiting for a worker; nothing was written");

            release.countDown();
            hogged.get(30, TimeUnit.SECONDS);
            // the worker is free again: the abandoned call is not run behind the caller's back
            assertThat(executor.execute(waiting, new ToolCall("w2", "list_code_files", "{}")).error()).isFalse();
            assertThat(Recorded.versions(store, waiting)).isZero();
        } finally {
            agent.shutdownNow();
        }
    }

    @Test
    void callsAfterCloseGetAnErrorResultAndWriteNothing() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "closed-" + UUID.randomUUID();
        ToolExecutor executor = ToolExecutor.builder(store).build();
        executor.close();
        ToolResult result = executor.execute(chat, ToolExecutorTest.add("c1", "a.txt", "a"));
        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("shut down; nothing was written");
        assertThat(Recorded.versions(store, chat)).isZero();
    }

    @Test
    void withoutADefaultChatTheChatMustBeGiven() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        try (ToolExecutor executor = ToolExecutor.builder(store).build()) {
            assertThat(executor.defaultChat()).isEmpty();
            assertThatThrownBy(() -> executor.execute(List.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no default chat");
            assertThatThrownBy(() -> executor.execute(" ", List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("chatId must not be blank");
            assertThatThrownBy(() -> executor.execute((String) null, List.of()))
                    .isInstanceOf(NullPointerException.class);
        }
    }
}
