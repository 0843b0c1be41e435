package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

class ToolExecutorTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(80);

    private ArtifactStore store;
    private String chat;

    @BeforeEach
    void freshChat() {
        store = ArtifactStore.create(PG.dataSource());
        chat = "chat-" + UUID.randomUUID();
    }

    static ToolCall add(String id, String filename, String content) {
        return new ToolCall(id, "add_code_file", Json.write(Json.MAPPER.createObjectNode().put("filename", filename)
                .put("language", "cpp").put("content", content).put("description", "d")));
    }

    static JsonNode json(ToolResult r) throws Exception {
        return Json.MAPPER.readTree(r.content());
    }

    private List<String> filenames() {
        return store.find(chat, ToolExecutor.ARTIFACT_TYPE).flatMap(a -> store.latest(a.id()))
                .map(v -> v.snapshot().filenames()).orElse(List.of());
    }

    private int versions() {
        return store.find(chat, ToolExecutor.ARTIFACT_TYPE).map(a -> store.history(a.id()).size()).orElse(0);
    }

    @Test
    void fourParallelAddsLandAsFourVersionsAndAReplayAddsNothing() throws Exception {
        List<ToolCall> calls = List.of(add("call_1", "main.cpp", "m"), add("call_2", "config.h", "c"),
                add("call_3", "platformio.ini", "p"), add("call_4", "README.md", "r"));
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build()) {
            List<ToolResult> first = executor.execute(calls);
            List<ToolResult> replay = executor.execute(calls);

            assertThat(first).extracting(ToolResult::id).containsExactly("call_1", "call_2", "call_3", "call_4");
            assertThat(first).noneMatch(ToolResult::error);
            List<Integer> versions = new ArrayList<>();
            for (ToolResult r : first) {
                versions.add(json(r).path("version").asInt());
                assertThat(json(r).path("deduplicated").asBoolean()).isFalse();
            }
            assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4);
            for (int i = 0; i < 4; i++) {
                assertThat(json(replay.get(i)).path("deduplicated").asBoolean()).isTrue();
                assertThat(json(replay.get(i)).path("version").asInt()).isEqualTo(versions.get(i));
            }
        }
        assertThat(filenames()).containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");
        assertThat(versions()).isEqualTo(4);
    }

    static Stream<String> strategies() {
        return WriteStrategy.names().stream(); // the real strategies: the lossy baselines are not listed
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void sixtyFourParallelCallsKeepEveryFile(String strategy) {
        ArtifactStore s = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.named(strategy)).build();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(add("call_" + i, "src/file_" + i + ".cpp", "// " + i));
        }
        try (ToolExecutor executor = ToolExecutor.builder(s, chat).maxParallelism(64).build()) {
            assertThat(executor.execute(calls)).noneMatch(ToolResult::error).hasSize(64);
        }
        store = s;
        assertThat(filenames()).hasSize(64);
        assertThat(versions()).isEqualTo(64);
    }

    static Stream<Arguments> badCalls() {
        String big = "x".repeat(2 << 20);
        String deep = "{\"filename\":\"a\",\"language\":\"c\",\"content\":\"x\",\"description\":"
                + "[".repeat(40) + "]".repeat(40) + "}";
        return Stream.of(
                Arguments.of(new ToolCall("c1", "add_code_file", "{\"filename\": \"a.txt\", \"content\": "),
                        "not valid JSON"),
                Arguments.of(new ToolCall("c2", "rm_rf", "{}"), "unknown tool 'rm_rf'; known tools: [add_code_file"),
                Arguments.of(new ToolCall("c3", "add_code_file", "{\"filename\":1,\"language\":\"c\",\"content\":\"x\"}"),
                        "/filename violates 'type'"),
                Arguments.of(new ToolCall("c4", "add_code_file", "{\"language\":\"c\",\"content\":\"x\"}"),
                        "violates 'required'"),
                Arguments.of(new ToolCall("c5", "add_code_file",
                        "{\"filename\":\"a\",\"language\":\"c\",\"content\":\"x\",\"extra\":true}"),
                        "violates 'additionalProperties'"),
                Arguments.of(new ToolCall("c6", "add_code_file",
                        "{\"filename\":\"a\",\"language\":\"c\",\"content\":\"" + big + "\"}"),
                        "over the limit of 1048576 bytes"),
                Arguments.of(new ToolCall("c7", "add_code_file",
                        "{\"filename\":\"a\",\"language\":\"c\",\"content\":\"nul\\u0000here\"}"), "NUL character"),
                Arguments.of(new ToolCall("c8", "add_code_file",
                        "{\"filename\":\"/etc/passwd\",\"language\":\"c\",\"content\":\"x\"}"), "relative path"),
                Arguments.of(new ToolCall("c9", "add_code_file", deep), "nested deeper than 16 levels"),
                Arguments.of(new ToolCall(null, "add_code_file", "{}"), "has no id"),
                Arguments.of(new ToolCall("c11", "add_code_file", "[1,2]"), "violates 'type'"),
                Arguments.of(new ToolCall("c12", "delete_code_file", "{\"filename\":\"never.txt\"}"), "no such file"),
                Arguments.of(new ToolCall("c13", "add_code_files", "{\"files\":[]}"), "violates 'minItems'"),
                Arguments.of(new ToolCall("c14", "add_code_file",
                        "{\"filename\":\"a\",\"language\":\"c\",\"content\":\"x\"}}"), "not valid JSON"),
                Arguments.of(new ToolCall("c15", "add_code_file",
                        "{\"filename\":\"a\",\"language\":\"c\",\"content\":\"x\"}{}"), "not valid JSON"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badCalls")
    void badCallsBecomeClearErrorResultsAndWriteNothing(ToolCall call, String message) throws Exception {
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build()) {
            ToolResult result = executor.execute(call);
            assertThat(result.error()).isTrue();
            assertThat(result.id()).isEqualTo(call.id());
            String text = json(result).path("error").asText();
            assertThat(text).contains(message).doesNotContain("Exception").doesNotContain("INSERT").doesNotContain("SELECT")
                    .doesNotContain("at dev.gapless");
        }
        assertThat(versions()).isZero();
    }

    @Test
    void oneBadCallDoesNotStopTheOthers() throws Exception {
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build()) {
            List<ToolResult> results = executor.execute(List.of(add("ok1", "a.txt", "1"),
                    new ToolCall("bad", "add_code_file", "{"), add("ok2", "b.txt", "2")));
            assertThat(results).extracting(ToolResult::error).containsExactly(false, true, false);
        }
        assertThat(filenames()).containsExactlyInAnyOrder("a.txt", "b.txt");
    }

    @Test
    void readsAndBatchesWork() throws Exception {
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build()) {
            ToolResult batch = executor.execute(new ToolCall("b", "add_code_files", "{\"files\":["
                    + "{\"filename\":\"a.txt\",\"language\":\"text\",\"content\":\"A\"},"
                    + "{\"filename\":\"b.txt\",\"language\":\"text\",\"content\":\"B\",\"description\":\"bee\"}]}"));
            assertThat(json(batch).path("version").asInt()).isEqualTo(1);
            ToolResult get = executor.execute(new ToolCall("g", "get_code_file", "{\"filename\":\"b.txt\"}"));
            assertThat(json(get).path("content").asText()).isEqualTo("B");
            ToolResult del = executor.execute(new ToolCall("d", "delete_code_file", "{\"filename\":\"a.txt\"}"));
            assertThat(json(del).path("summary").asText()).isEqualTo("Removed a.txt");
            ToolResult list = executor.execute(new ToolCall("l", "list_code_files", ""));
            assertThat(json(list).path("files").get(0).path("filename").asText()).isEqualTo("b.txt");
            assertThat(json(list).path("version").asInt()).isEqualTo(2);
            ToolResult history = executor.execute(new ToolCall("h", "get_artifact_history", "{}"));
            assertThat(json(history).path("versions")).hasSize(2);
            // newest first
            assertThat(json(history).path("versions").get(1).path("tool_call_id").asText()).isEqualTo("b");
            ToolResult missing = executor.execute(new ToolCall("m", "get_code_file", "{\"filename\":\"a.txt\"}"));
            assertThat(missing.error()).isTrue();
        }
    }

    @Test
    void aCallBlockedPastItsTimeoutIsAnErrorResultAndWritesNothing() throws Exception {
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).callTimeout(Duration.ofMillis(400)).build()) {
            executor.execute(new ToolCall("l", "list_code_files", "{}")); // creates the artifact
            UUID id = store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id();
            try (Connection holder = PG.dataSource().getConnection()) {
                holder.setAutoCommit(false);
                try (PreparedStatement lock = holder.prepareStatement("SELECT 1 FROM artifacts WHERE id = ? FOR UPDATE")) {
                    lock.setObject(1, id);
                    lock.executeQuery().close();
                }
                ToolResult result = executor.execute(add("slow", "a.txt", "x"));
                assertThat(result.error()).isTrue();
                assertThat(json(result).path("error").asText()).contains("timed out").contains("nothing was written");
                holder.rollback();
            }
        }
        assertThat(versions()).isZero();
    }

    @Test
    void aStorageFailureIsASafeErrorResult() throws Exception {
        javax.sql.DataSource broken = new javax.sql.DataSource() {
            @Override
            public Connection getConnection() throws java.sql.SQLException {
                throw new java.sql.SQLException("FATAL: password authentication failed for user \"x\"", "28P01");
            }

            @Override
            public Connection getConnection(String u, String p) throws java.sql.SQLException {
                return getConnection();
            }

            @Override
            public java.io.PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(java.io.PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public java.util.logging.Logger getParentLogger() {
                return null;
            }

            @Override
            public <T> T unwrap(Class<T> iface) {
                return null;
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
        try (ToolExecutor executor = ToolExecutor.builder(ArtifactStore.create(broken), chat).build()) {
            ToolResult result = executor.execute(add("c", "a.txt", "x"));
            assertThat(result.error()).isTrue();
            assertThat(json(result).path("error").asText())
                    .contains("the store's database configuration is wrong (authentication, SQLSTATE 28P01)")
                    .doesNotContain("password");
        }
    }

    @Test
    void everyLogLineOfACallCarriesTheChatAndToolCallIds() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.gapless.executor");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build()) {
            executor.execute(new ToolCall("call_log", "nope", "{}"));
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getMDCPropertyMap()).containsEntry("chat_id", chat).containsEntry("tool_call_id", "call_log");
        });
    }

    /** Issue 22 item 3: a store whose database lacks the schema answers at once, saying so, without internals. */
    @Test
    void aMisconfiguredStoreAnswersEveryCallAtOnceWithoutInternals() throws Exception {
        try (dev.gapless.testkit.TestDatabase bare = PG.server().createDatabase("no_schema");
             ToolExecutor executor = ToolExecutor.builder(ArtifactStore.create(bare.dataSource()), "chat")
                     .callTimeout(Duration.ofMinutes(10)).build()) {
            ToolResult r = executor.execute(List.of(new ToolCall("call_1", "add_code_file",
                    "{\"filename\": \"a.txt\", \"language\": \"\", \"content\": \"x\"}"))).get(0);
            assertThat(r.error()).isTrue();
            assertThat(Json.MAPPER.readTree(r.content()).path("error").asText()).isEqualTo("the store's database"
                    + " configuration is wrong (schema not applied, SQLSTATE 42P01); nothing was written. Retrying"
                    + " will not help until the store is reconfigured.");
        }
    }
}
