package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.format.Format;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The edit tools through the executor, from the saved responses the documentation shows: Anthropic's text editor
 * called as the built-in tool, {@code edit_code_file} and {@code apply_patch} from Chat Completions, and the Responses
 * API's {@code function_call} and {@code apply_patch_call} items answered in their own shape.
 */
class EditToolsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(40);

    private ArtifactStore store;
    private ToolExecutor executor;
    private String chat;

    @BeforeEach
    void fourFiles() throws Exception {
        store = ArtifactStore.create(PG.dataSource());
        chat = "chat-" + UUID.randomUUID();
        executor = ToolExecutor.builder(store, chat).build();
        run("openai-four-files.json");
    }

    private JsonNode run(String resource) throws Exception {
        JsonNode document;
        try (var in = EditToolsTest.class.getResourceAsStream("/responses/" + resource)) {
            document = Format.read(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        Format format = Format.detect(document);
        return format.render(executor.execute(format.parse(document)));
    }

    private String content(String filename) {
        UUID id = store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id();
        return store.file(id, filename).orElseThrow().file().content();
    }

    private ToolResult call(String id, String tool, String arguments) {
        return executor.execute(new ToolCall(id, tool, arguments));
    }

    @Test
    void theBuiltInTextEditorViewsReplacesAndInsertsInTheAnthropicShape() throws Exception {
        JsonNode reply = run("anthropic-text-editor.json");
        JsonNode blocks = reply.path("content");
        assertThat(blocks).hasSize(3);
        assertThat(blocks).allSatisfy(b -> assertThat(b.path("is_error").asBoolean()).as(b.toString()).isFalse());
        assertThat(blocks.get(0).path("content").asText()).contains(": void loop() {\n").startsWith("8: ")
                .containsPattern(": }\n\\(main\\.cpp at version [456]\\)\n$"); // after none, one or both parallel writes
        assertThat(Json.MAPPER.readTree(blocks.get(1).path("content").asText()).path("summary").asText())
                .isEqualTo("Edited config.h (1 replacement)");
        assertThat(content("config.h")).contains("#ifndef BLINK_MS\n#define BLINK_MS 500\n#endif\n");
        assertThat(content("main.cpp")).contains("void setup() {\n  Serial.begin(115200);\n  Serial.println(\"blink\");\n"
                + "  pinMode(LED_PIN, OUTPUT);");
    }

    @Test
    void parallelEditsOfOneFileAllLandAndAReplayWritesNothing() throws Exception {
        JsonNode reply = run("openai-edits.json");
        assertThat(reply).hasSize(3);
        for (JsonNode message : reply) {
            assertThat(Json.MAPPER.readTree(message.path("content").asText()).path("status").asText())
                    .as(message.toString()).isEqualTo("ok");
        }
        assertThat(content("main.cpp")).contains("HIGH);  // on").contains("LOW);   // off");
        assertThat(content("README.md")).contains("set BLINK_MS to change the rate");
        assertThat(content("src/version.h")).isEqualTo("#pragma once\n#define BLINK_VERSION \"1.1\"\n");
        assertThat(Json.MAPPER.readTree(reply.get(2).path("content").asText()).path("summary").asText())
                .isEqualTo("Patched 2 files (README.md, src/version.h)");
        UUID id = store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id();
        int versions = store.history(id).size();
        JsonNode again = run("openai-edits.json");
        assertThat(again).allSatisfy(m -> assertThat(m.path("content").asText()).contains("\"deduplicated\":true"));
        assertThat(store.history(id)).hasSize(versions);
        ToolResult directory = call("v1", "str_replace_based_edit_tool", "{\"command\":\"view\",\"path\":\"src\"}");
        assertThat(directory.content()).startsWith("Files under src/ at version " + versions + ":\n")
                .contains("src/version.h (").doesNotContain("main.cpp");
    }

    @Test
    void responsesApiCallsAreAnsweredAsFunctionCallAndApplyPatchCallOutputs() throws Exception {
        JsonNode reply = run("responses-edits.json");
        assertThat(reply).hasSize(3);
        assertThat(reply.get(0).path("type").asText()).isEqualTo("function_call_output");
        assertThat(reply.get(0).path("call_id").asText()).isEqualTo("call_Rs1kF5tN8pW2xV6zQ9mB4cYd");
        for (int i = 1; i < 3; i++) {
            assertThat(reply.get(i).path("type").asText()).isEqualTo("apply_patch_call_output");
            assertThat(reply.get(i).path("status").asText()).as(reply.get(i).toString()).isEqualTo("completed");
        }
        assertThat(reply.get(2).path("output").asText()).startsWith("Patched docs/wiring.md (version ");
        assertThat(content("main.cpp")).contains("void loop() {\n  digitalWrite(LED_PIN, HIGH);\n  delay(BLINK_MS / 2);\n"
                + "  digitalWrite(LED_PIN, LOW);\n  delay(BLINK_MS);\n");
        assertThat(content("docs/wiring.md")).startsWith("# Wiring\n\nLED anode");

        JsonNode stale = Json.MAPPER.readTree("{\"object\":\"response\",\"output\":[{\"type\":\"apply_patch_call\","
                + "\"call_id\":\"call_stale\",\"operation\":{\"type\":\"update_file\",\"path\":\"main.cpp\","
                + "\"diff\":\"@@\\n-  delay(BLINK_MS * 9);\\n+  delay(1);\\n\"}}]}");
        Format format = Format.detect(stale);
        JsonNode failed = format.render(executor.execute(format.parse(stale))).get(0);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("output").asText()).contains("cannot patch 'main.cpp': hunk 1")
                .contains("delay(BLINK_MS * 9);").contains("nothing was written");
    }

    @Test
    void freeformCustomToolCallsAreAnsweredAsCustomToolCallOutputs() throws Exception {
        // apply_patch declared as a freeform (grammar) tool: the patch comes as the call's plain-text input
        JsonNode response = Json.MAPPER.readTree("""
                {"object":"response","output":[
                 {"type":"custom_tool_call","call_id":"call_custom_patch","name":"apply_patch","input":
                  "*** Begin Patch\\n*** Add File: notes/todo.md\\n+# Todo\\n*** End Patch\\n"},
                 {"type":"custom_tool_call","call_id":"call_custom_other","name":"run_shell","input":"ls -la"}]}
                """);
        Format format = Format.detect(response);
        assertThat(format.name()).isEqualTo("responses");
        JsonNode reply = format.render(executor.execute(format.parse(response)));
        assertThat(reply).hasSize(2);
        assertThat(reply.get(0).path("type").asText()).isEqualTo("custom_tool_call_output");
        assertThat(reply.get(0).path("call_id").asText()).isEqualTo("call_custom_patch");
        assertThat(reply.get(0).path("output").asText()).startsWith("Patched notes/todo.md (version ");
        assertThat(content("notes/todo.md")).isEqualTo("# Todo\n");
        // a freeform tool the executor does not have is still answered, as an error, so the next request is valid
        assertThat(reply.get(1).path("type").asText()).isEqualTo("custom_tool_call_output");
        assertThat(reply.get(1).path("call_id").asText()).isEqualTo("call_custom_other");
        assertThat(reply.get(1).path("output").asText()).contains("run_shell");
        assertThat(store.history(store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id())).hasSize(5);
    }

    @Test
    void editsThatNoLongerMatchAndBadRequestsSayWhatWasFound() throws Exception {
        ToolResult missing = call("e1", "edit_code_file", "{\"path\":\"main.cpp\",\"old_string\":\"delay(1000);\","
                + "\"new_string\":\"delay(10);\"}");
        assertThat(missing.error()).isTrue();
        assertThat(missing.content()).contains("found 0 times in version 4").contains("nothing was written");
        ToolResult twice = call("e2", "str_replace_based_edit_tool", "{\"command\":\"str_replace\",\"path\":"
                + "\"main.cpp\",\"old_str\":\"delay(BLINK_MS);\",\"new_str\":\"delay(1);\"}");
        assertThat(twice.content()).contains("found 2 times in version 4 (at lines 10, 12)");
        ToolResult exists = call("e3", "str_replace_based_edit_tool", "{\"command\":\"create\",\"path\":"
                + "\"config.h\",\"file_text\":\"x\"}");
        assertThat(exists.content()).contains("cannot create 'config.h': the file already exists in version 4");
        ToolResult malformed = call("e4", "apply_patch", "{\"input\":\"*** Begin Patch\\n*** Update File: main.cpp\\n"
                + "*** End Patch\"}");
        assertThat(malformed.content()).contains("the patch is malformed at line 2");
        ToolResult range = call("e5", "str_replace_based_edit_tool", "{\"command\":\"view\",\"path\":\"config.h\","
                + "\"view_range\":[2,9]}");
        assertThat(range.content()).contains("'config.h' has 3 lines at version 4");
        ToolResult clipped = call("e6", "str_replace_based_edit_tool", "{\"command\":\"view\",\"path\":\"main.cpp\","
                + "\"max_characters\":20}");
        assertThat(clipped.content()).startsWith("1: #include <Arduino").contains("[truncated: showing 20 of");
        ToolResult listing = call("e7", "str_replace_based_edit_tool", "{\"command\":\"view\",\"path\":\".\"}");
        assertThat(listing.content()).contains("version 4").contains("platformio.ini (");
        ToolResult absolute = call("e8", "edit_code_file", "{\"path\":\"/etc/passwd\",\"old_string\":\"a\","
                + "\"new_string\":\"b\"}");
        assertThat(absolute.content()).contains("must be a relative path");
        for (ToolResult r : List.of(missing, twice, exists, malformed, range, absolute)) {
            assertThat(r.error()).as(r.content()).isTrue();
        }
        UUID id = store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id();
        assertThat(store.history(id)).as("nothing written").hasSize(4);
    }
}
