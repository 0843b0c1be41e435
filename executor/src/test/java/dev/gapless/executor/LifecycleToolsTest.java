package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Retention;
import dev.gapless.core.Schema;
import dev.gapless.executor.format.Format;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code get_code_diff}, {@code revert_to_version} and the paged {@code get_artifact_history}, from saved responses
 * in the Chat Completions, Anthropic Messages and Responses shapes, and called directly for their edge cases.
 */
class LifecycleToolsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    private ArtifactStore store;
    private ToolExecutor executor;
    private String chat;
    private UUID id;

    /** v1: main.cpp; v2: main.cpp changed, notes.txt added; v3: main.cpp changed again. */
    @BeforeEach
    void threeVersions() {
        store = ArtifactStore.create(PG.dataSource());
        chat = "chat-" + UUID.randomUUID();
        executor = ToolExecutor.builder(store, chat).build();
        id = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "").id();
        store.append(id, Change.put(CodeFile.of("main.cpp", "void setup() {}\nvoid loop() {}\n")));
        store.append(id, Change.batch(java.util.List.of(
                Change.put(CodeFile.of("main.cpp", "void setup() {}\nvoid loop() { blink(); }\n")),
                Change.put(CodeFile.of("notes.txt", "todo")))));
        store.append(id, Change.put(CodeFile.of("main.cpp", "void setup() { broken\nvoid loop() { blink(); }\n")));
    }

    private JsonNode run(String resource) throws Exception {
        JsonNode document;
        try (var in = LifecycleToolsTest.class.getResourceAsStream("/responses/" + resource)) {
            document = Format.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Format format = Format.detect(document);
        return format.render(executor.execute(format.parse(document)));
    }

    private static JsonNode json(String content) throws Exception {
        return Json.MAPPER.readTree(content);
    }

    private JsonNode call(String tool, String arguments) throws Exception {
        ToolResult r = executor.execute(new ToolCall("call-" + UUID.randomUUID(), tool, arguments));
        JsonNode body = json(r.content());
        assertThat(r.error()).as(r.content()).isEqualTo(body.has("error"));
        return body;
    }

    @Test
    void chatCompletionsPagesTheHistoryAndDiffsTwoVersions() throws Exception {
        JsonNode reply = run("openai-lifecycle.json");
        JsonNode history = json(reply.get(0).path("content").asText());
        assertThat(history.path("versions").findValues("version")).extracting(JsonNode::asInt).containsExactly(3, 2);
        assertThat(history.path("next_before").asInt()).isEqualTo(2);
        JsonNode diff = json(reply.get(1).path("content").asText());
        assertThat(diff.path("files").findValues("filename")).extracting(JsonNode::asText)
                .containsExactly("main.cpp", "notes.txt");
        assertThat(diff.path("files").get(1).path("change").asText()).isEqualTo("added");
        assertThat(diff.path("diff").asText()).startsWith("diff --git a/main.cpp b/main.cpp\n")
                .contains("-void loop() {}\n+void loop() { blink(); }\n")
                .contains("diff --git a/notes.txt b/notes.txt\nnew file mode 100644\n");
    }

    @Test
    void anthropicShowsTheLastChangeAndUndoesIt() throws Exception {
        JsonNode blocks = run("anthropic-lifecycle.json").path("content");
        assertThat(blocks).allSatisfy(b -> assertThat(b.path("is_error").asBoolean()).as(b.toString()).isFalse());
        JsonNode diff = json(blocks.get(0).path("content").asText());
        assertThat(diff.path("from_version").asInt()).isEqualTo(2);
        assertThat(diff.path("diff").asText()).contains("+void setup() { broken\n");
        JsonNode revert = json(blocks.get(1).path("content").asText());
        assertThat(revert.path("status").asText()).isEqualTo("ok");
        assertThat(revert.path("version").asInt()).isEqualTo(4);
        assertThat(revert.path("files_changed").asInt()).isEqualTo(2);
        assertThat(store.latest(id).orElseThrow().snapshot()).isEqualTo(store.version(id, 1).orElseThrow()
                .snapshot());
        // the same response again: the call id is the key, nothing more is written
        JsonNode replay = json(run("anthropic-lifecycle.json").path("content").get(1).path("content").asText());
        assertThat(replay.path("deduplicated").asBoolean()).isTrue();
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(4);
    }

    @Test
    void responsesApiFollowsOneFileAndRevertsToAVersion() throws Exception {
        JsonNode reply = run("responses-lifecycle.json");
        JsonNode history = json(reply.get(0).path("output").asText());
        assertThat(history.path("versions").findValues("version")).extracting(JsonNode::asInt)
                .containsExactly(3, 2, 1);
        assertThat(history.has("next_before")).isFalse();
        JsonNode revert = json(reply.get(1).path("output").asText());
        assertThat(revert.path("reverted_to").asInt()).isEqualTo(2);
        assertThat(store.file(id, "main.cpp").orElseThrow().file().content())
                .isEqualTo("void setup() {}\nvoid loop() { blink(); }\n");
    }

    @Test
    void edgeCasesAreClearErrorsThatWriteNothing() throws Exception {
        assertThat(call("revert_to_version", "{\"version\": 9}").path("error").asText())
                .contains("version 9 does not exist").contains("latest version is 3").contains("nothing was written");
        assertThat(call("get_code_diff", "{\"to_version\": 7}").path("error").asText())
                .contains("version 7 does not exist");
        assertThat(call("revert_to_version", "{}").path("error").asText()).contains("version");
        assertThat(call("get_artifact_history", "{\"limit\": 0}").path("error").asText()).contains("limit");
        assertThat(call("revert_to_version", "{\"version\": 3}").path("status").asText()).isEqualTo("unchanged");
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(3);

        store.lifecycle().prune(id, Retention.keepLast(1));
        assertThat(call("revert_to_version", "{\"version\": 1}").path("error").asText())
                .contains("version 1 was pruned").contains("oldest version kept is 3").contains("nothing was written");
        assertThat(call("get_code_diff", "{}").path("error").asText()).contains("version 2 was pruned");
    }

    @Test
    void afterTheChatIsDeletedTheNextCallStartsANewArtifactAtVersionOne() throws Exception {
        assertThat(call("list_code_files", "{}").path("version").asInt()).isEqualTo(3);
        store.lifecycle().deleteChat(chat);
        assertThat(call("list_code_files", "{}").path("error").asText()).contains("does not exist");
        JsonNode added = call("add_code_file", "{\"filename\": \"a.txt\", \"language\": \"text\", \"content\": \"new\"}");
        assertThat(added.path("version").asInt()).as(added.toString()).isEqualTo(1);
    }
}
