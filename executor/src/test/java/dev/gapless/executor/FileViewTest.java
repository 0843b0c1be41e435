package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.json.Json;
import dev.gapless.executor.testing.MergeCases;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.executor.testing.MergeCases.Call;
import dev.gapless.executor.testing.MergeCases.Kind;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the executor remembers of what a model saw, and what a whole-file write is based on: reads (get_code_file,
 * the text editor's view) and the model's own whole-file writes move the view; each agent of a chat has its own; a
 * write may state its base; a write that changes nothing says so and adds no version.
 */
class FileViewTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    private ArtifactStore store;
    private ToolExecutor executor;
    private String chat;

    @BeforeEach
    void fileOfEightFunctions() {
        store = ArtifactStore.create(PG.dataSource());
        executor = ToolExecutor.builder(store).build();
        chat = "chat-" + UUID.randomUUID();
        assertThat(executor.execute(chat, List.of(MergeCases.create("call_create"))).get(0).error()).isFalse();
    }

    @AfterEach
    void close() {
        executor.close();
    }

    private ToolResult run(String agent, ToolCall call) {
        return agent == null ? executor.execute(chat, call) : executor.execute(chat, agent, call);
    }

    private static ToolCall call(Call c) {
        return MergeCases.toolCall(c);
    }

    private static ToolCall call(String id, String tool, String arguments) {
        return new ToolCall(id, tool, arguments);
    }

    /** A whole-file write of the file as it is now with one more function's return changed. */
    private ToolCall rewrite(String id, int function, String value) {
        String now = head();
        return call(id, "add_code_file", Json.write(Json.MAPPER.createObjectNode().put("filename", MergeCases.FILE)
                .put("language", "python").put("content", now.replace("    return " + function + "\n",
                        "    return " + value + "\n"))));
    }

    private String head() {
        return MergeCases.head(store, chat);
    }

    private int versions() {
        return Recorded.versions(store, chat);
    }

    private static JsonNode json(ToolResult r) throws Exception {
        return Json.MAPPER.readTree(r.content());
    }

    @Test
    void aWholeFileWriteOfTheContentThereSaysUnchangedWithTheCurrentVersionAndAddsNoVersion() throws Exception {
        ToolResult r = run(null, MergeCases.create("call_same"));
        assertThat(r.error()).isFalse();
        assertThat(json(r).path("status").asText()).isEqualTo("unchanged");
        assertThat(json(r).path("version").asInt()).isEqualTo(1);
        assertThat(json(r).path("message").asText()).contains("already has at version 1; no version was added");
        assertThat(versions()).isEqualTo(1);
    }

    @Test
    void aReadMovesTheViewSoALaterWholeFileWriteMergesOnlyWhatCameAfterTheRead() throws Exception {
        run(null, call(new Call("e2", Kind.STR_REPLACE, 5, "55")));                            // version 2
        ToolResult read = run("agent-b", call("read", "get_code_file", "{\"filename\": \"app.py\"}"));
        assertThat(json(read).path("version").asInt()).isEqualTo(2);
        ToolCall write = rewrite("b_write", 1, "11");                                      // made from version 2
        run(null, call(new Call("e3", Kind.STR_REPLACE, 7, "77")));                            // version 3
        ToolResult r = run("agent-b", write);
        assertThat(r.error()).as(r.content()).isFalse();
        assertThat(json(r).path("merged").asText()).startsWith("ok, merged with version 3 (line 23 changed by e3)")
                .doesNotContain("version 2 (");
        assertThat(head()).contains("return 55\n").contains("return 77\n").contains("return 11\n");
    }

    @Test
    void theTextEditorsViewShowsTheVersionAndMovesTheView() throws Exception {
        run(null, call(new Call("e2", Kind.STR_REPLACE, 5, "55")));                            // version 2
        ToolResult view = run("agent-c", call("view", "str_replace_based_edit_tool",
                "{\"command\": \"view\", \"path\": \"app.py\"}"));
        assertThat(view.content()).startsWith("1: def f0():\n").endsWith("(app.py at version 2)\n");
        ToolCall write = rewrite("c_write", 1, "11");
        run(null, call(new Call("e3", Kind.STR_REPLACE, 7, "77")));                            // version 3
        ToolResult r = run("agent-c", write);
        assertThat(json(r).path("merged").asText()).startsWith("ok, merged with version 3 (line 23 changed by e3)");
        assertThat(head()).contains("return 55\n").contains("return 77\n").contains("return 11\n");
    }

    @Test
    void eachAgentHasItsOwnViewOfTheChat() throws Exception {
        run(null, call(new Call("e2", Kind.STR_REPLACE, 5, "55")));                            // version 2
        run("agent-d", call("read", "get_code_file", "{\"filename\": \"app.py\"}"));           // agent d saw 2
        ToolResult fromTwo = run("agent-d", rewrite("d_write", 1, "11"));
        assertThat(json(fromTwo).path("status").asText()).isEqualTo("ok");
        assertThat(json(fromTwo).has("merged")).as(fromTwo.content()).isFalse();              // nothing to merge
        // the chat's own view is still version 1 (its create): its write merges versions 2 and 3
        ToolResult fromOne = run(null, call(new Call("chat_write", Kind.WRITE, 3, "33")));
        assertThat(json(fromOne).path("merged").asText())
                .contains("merged with version 2 (line 17 changed by e2) and version 3 (line 5 changed by d_write)");
        assertThat(head()).contains("return 55\n").contains("return 11\n").contains("return 33\n");
    }

    @Test
    void aWriteMayStateItsBaseAndABaseAfterTheHeadIsRefusedWithNothingWritten() throws Exception {
        run(null, call(new Call("e2", Kind.STR_REPLACE, 5, "55")));                            // version 2
        run("agent-e", call("read", "get_code_file", "{\"filename\": \"app.py\"}"));           // agent e saw 2
        // agent e says its content is based on version 1 (its backend knows better than the view)
        String content = MergeCases.withReturn(1, "11");
        ToolResult stated = run("agent-e", call("e_write", "add_code_file", Json.write(Json.MAPPER.createObjectNode()
                .put("filename", "app.py").put("language", "python").put("content", content).put("base_version", 1))));
        assertThat(json(stated).path("merged").asText()).contains("merged with version 2");
        assertThat(head()).contains("return 55\n").contains("return 11\n");
        int before = versions();
        ToolResult future = run(null, call("f_write", "add_code_file", Json.write(Json.MAPPER.createObjectNode()
                .put("filename", "app.py").put("language", "python").put("content", "x").put("base_version", 99))));
        assertThat(future.error()).isTrue();
        assertThat(json(future).path("error").asText()).startsWith("rejected: ").endsWith("nothing was written.");
        ToolResult negative = run(null, call("g_write", "add_code_file", "{\"filename\": \"app.py\", \"language\":"
                + " \"python\", \"content\": \"x\", \"base_version\": -1}"));
        assertThat(json(negative).path("error").asText()).contains("/base_version").contains("minimum");
        ToolResult huge = run(null, call("h_write", "add_code_file", "{\"filename\": \"app.py\", \"language\":"
                + " \"python\", \"content\": \"x\", \"base_version\": 4294967297}"));
        assertThat(json(huge).path("error").asText()).contains("base_version is 4294967297, past any version")
                .endsWith("nothing was written.");
        assertThat(versions()).isEqualTo(before);
    }

    @Test
    void aReplayOfAMergedResponseWritesNothing() throws Exception {
        List<ToolCall> response = MergeCases.twoWholeWritesOfDisjointLines("replay").stream().map(MergeCases::toolCall)
                .toList();
        List<ToolResult> first = executor.execute(chat, response);
        assertThat(first).noneMatch(ToolResult::error);
        List<ToolResult> again = executor.execute(chat, response);
        for (ToolResult r : again) {
            assertThat(json(r).path("deduplicated").asBoolean()).as(r.content()).isTrue();
        }
        assertThat(versions()).isEqualTo(3);
        assertThat(head()).contains("return 22\n").contains("return 33\n");
    }

    @Test
    void anAgentIdMustBeUsable() {
        ToolCall read = call("read", "list_code_files", "{}");
        assertThatThrownBy(() -> executor.execute(chat, " ", read)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> executor.execute(chat, "a\nb", read)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> executor.execute(chat, "x".repeat(ToolExecutor.MAX_AGENT_ID_LENGTH + 1), read))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200");
    }
}
