package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.FileInfo;
import dev.gapless.core.Schema;
import dev.gapless.executor.format.Format;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression tests for the edit-tool findings of issue 18, through the real executor (each wire format that reaches
 * the code, parsed, run and rendered) against a real PostgreSQL: an {@code apply_patch_call} touches exactly its
 * operation's path or is refused, and integers out of range are refused naming the range. Every refusal writes
 * nothing.
 */
class EditToolHardeningTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    private ArtifactStore store;
    private ToolExecutor executor;
    private String chat;

    @BeforeEach
    void twoFiles() {
        store = ArtifactStore.create(PG.dataSource());
        chat = "chat-" + UUID.randomUUID();
        executor = ToolExecutor.builder(store, chat).build();
        ToolResult put = executor.execute(new ToolCall("setup", "add_code_files", "{\"files\":["
                + "{\"filename\":\"a.txt\",\"language\":\"text\",\"content\":\"a\\n\"},"
                + "{\"filename\":\"secret.txt\",\"language\":\"text\",\"content\":\"s\\n\"}]}"));
        assertThat(put.error()).as(put.content()).isFalse();
    }

    @AfterEach
    void close() {
        executor.close();
    }

    private UUID id() {
        return store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id();
    }

    private List<String> files() {
        return store.files(id()).files().stream().map(FileInfo::filename).toList();
    }

    /** One Responses {@code apply_patch_call}, parsed, run and answered as the Responses format does. */
    private JsonNode applyPatchCall(String type, String path, String diff) {
        ObjectNode operation = Json.MAPPER.createObjectNode().put("type", type).put("path", path);
        if (diff != null) {
            operation.put("diff", diff);
        }
        ObjectNode response = Json.MAPPER.createObjectNode().put("object", "response");
        response.putArray("output").addObject().put("type", "apply_patch_call")
                .put("call_id", "call_" + UUID.randomUUID())
                .put("status", "completed").set("operation", operation);
        Format format = Format.detect(response);
        assertThat(format.name()).isEqualTo("responses");
        JsonNode answer = format.render(executor.execute(format.parse(response))).get(0);
        assertThat(answer.path("type").asText()).isEqualTo("apply_patch_call_output");
        return answer;
    }

    private void assertRefusedAndNothingWritten(JsonNode answer, String... says) {
        assertThat(answer.path("status").asText()).as(answer.toString()).isEqualTo("failed");
        assertThat(answer.path("output").asText()).contains(says).contains("nothing was written")
                .doesNotContain("Exception");
        assertThat(store.history(id())).as("nothing written").hasSize(1);
        assertThat(files()).containsExactly("a.txt", "secret.txt");
    }

    @Test
    void applyPatchCallCannotDeleteAFileItDoesNotName() {
        assertRefusedAndNothingWritten(applyPatchCall("update_file", "a.txt",
                "@@\n-a\n+b\n*** Delete File: secret.txt\n"),
                "line 4 of the diff of the apply_patch operation on 'a.txt' is the V4A envelope line"
                        + " '*** Delete File: secret.txt'");
    }

    @Test
    void applyPatchCallCreateFileCannotAddAnotherFile() {
        assertRefusedAndNothingWritten(applyPatchCall("create_file", "new.txt", "+x\n*** Add File: injected.txt\n+y"),
                "is the V4A envelope line '*** Add File: injected.txt'");
        // an envelope line indented, or ending the patch early, is an envelope line too
        assertRefusedAndNothingWritten(applyPatchCall("update_file", "a.txt", "  *** Move to: secret.txt\n@@\n-a\n+b"),
                "'*** Move to: secret.txt'");
        assertRefusedAndNothingWritten(applyPatchCall("create_file", "new.txt", "+x\n*** End Patch\n*** Begin Patch\n"
                + "*** Update File: secret.txt\n@@\n-s\n+owned"), "'*** End Patch'");
    }

    @Test
    void applyPatchCallPathWithALineBreakIsRefusedAsAFilename() {
        assertRefusedAndNothingWritten(applyPatchCall("update_file", "a.txt\n*** Update File: secret.txt",
                "@@\n-s\n+owned\n"), "the apply_patch operation's path is not a valid filename",
                "U+000A at index 5");
        assertRefusedAndNothingWritten(applyPatchCall("delete_file", "a.txt\r\n*** Delete File: secret.txt", null),
                "U+000D at index 5");
    }

    @Test
    void applyPatchCallDeleteFileDeletesOnlyItsPath() {
        JsonNode answer = applyPatchCall("delete_file", "a.txt", "*** Delete File: secret.txt\n");
        assertThat(answer.path("status").asText()).as(answer.toString()).isEqualTo("completed");
        assertThat(answer.path("output").asText()).startsWith("Removed a.txt (version 2)");
        assertThat(files()).containsExactly("secret.txt");
    }

    @Test
    void applyPatchCallsThatStayInsideTheirPathStillApply() {
        JsonNode created = applyPatchCall("create_file", "docs/new.md", "+# New\n+text");
        assertThat(created.path("output").asText()).as(created.toString())
                .startsWith("Patched docs/new.md (version 2)");
        JsonNode updated = applyPatchCall("update_file", "a.txt", "@@\n-a\n+b\n*** End of File\n");
        assertThat(updated.path("status").asText()).as(updated.toString()).isEqualTo("completed");
        assertThat(store.file(id(), "a.txt").orElseThrow().file().content()).isEqualTo("b\n");
        assertThat(store.file(id(), "docs/new.md").orElseThrow().file().content()).isEqualTo("# New\ntext\n");
    }

    @Test
    void anApplyPatchOperationSentAsAFunctionCallGetsTheSameChecks() {
        ToolResult r = executor.execute(new ToolCall("fc1", "apply_patch", "{\"operation\":{\"type\":\"update_file\","
                + "\"path\":\"a.txt\",\"diff\":\"@@\\n-a\\n+b\\n*** Delete File: secret.txt\"}}"));
        assertThat(r.error()).isTrue();
        assertThat(r.content()).contains("the V4A envelope line '*** Delete File: secret.txt'");
        assertThat(files()).containsExactly("a.txt", "secret.txt");
    }

    @Test
    void aFreeformApplyPatchMayNameSeveralFiles() {
        // a custom_tool_call's input is a whole patch, as a function call's apply_patch input is: it may touch any
        // file it names (the docs say so); only an apply_patch_call is held to its operation's path
        JsonNode response = Json.MAPPER.createObjectNode().put("object", "response");
        ((ObjectNode) response).putArray("output").addObject().put("type", "custom_tool_call")
                .put("call_id", "call_free").put("name", "apply_patch").put("input", "*** Begin Patch\n"
                        + "*** Update File: a.txt\n@@\n-a\n+b\n*** Delete File: secret.txt\n*** End Patch\n");
        Format format = Format.detect(response);
        JsonNode answer = format.render(executor.execute(format.parse(response))).get(0);
        assertThat(answer.path("output").asText()).startsWith("Patched a.txt; Removed secret.txt (version 2)");
        assertThat(files()).containsExactly("a.txt");
    }

    @Test
    void aDirectoryNamedInNfdListsItsNfcFiles() {
        ToolResult put = executor.execute(new ToolCall("nfc", "str_replace_based_edit_tool", "{\"command\":\"create\","
                + "\"path\":\"caf\u00e9/menu.txt\",\"file_text\":\"x\"}"));
        assertThat(put.error()).as(put.content()).isFalse();
        ToolResult listing = executor.execute(new ToolCall("nfd", "str_replace_based_edit_tool", "{\"command\":"
                + "\"view\",\"path\":\"cafe\u0301\"}"));
        assertThat(listing.error()).as(listing.content()).isFalse();
        assertThat(listing.content()).contains("caf\u00e9/menu.txt (1 bytes)");
    }

    @Test
    void insertLineOutOfTheIntRangeIsRefusedNamingTheRange() {
        for (String line : List.of("4294967298", "4611686018427387904", "2147483648", "1e40")) {
            ToolResult r = executor.execute(new ToolCall("i" + line, "str_replace_based_edit_tool",
                    "{\"command\":\"insert\",\"path\":\"a.txt\",\"insert_line\":" + line + ",\"insert_text\":\"x\"}"));
            assertThat(r.error()).as(line).isTrue();
            assertThat(r.content()).as(line).contains("out of range: it must be an integer from 0 to 2147483647;"
                    + " nothing was written");
        }
        assertThat(store.file(id(), "a.txt").orElseThrow().file().content()).isEqualTo("a\n");
        assertThat(store.history(id())).hasSize(1);
    }

    @Test
    void insertLineOutOfRangeIsRefusedInTheAnthropicShape() throws Exception {
        JsonNode message = Json.MAPPER.readTree("""
                {"type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_wrap",
                 "name":"str_replace_based_edit_tool","input":{"command":"insert","path":"a.txt",
                 "insert_line":4294967298,"insert_text":"after line 2?\\n"}}]}""");
        Format format = Format.detect(message);
        assertThat(format.name()).isEqualTo("anthropic");
        JsonNode block = format.render(executor.execute(format.parse(message))).path("content").get(0);
        assertThat(block.path("is_error").asBoolean()).isTrue();
        assertThat(block.path("content").asText()).contains("insert_line is 4294967298, out of range: it must be an"
                + " integer from 0 to 2147483647");
        assertThat(store.history(id())).hasSize(1);
    }

    private ToolResult view(String id, String arguments) {
        return executor.execute(new ToolCall(id, "str_replace_based_edit_tool", "{\"command\":\"view\"," + arguments
                + "}"));
    }

    @Test
    void viewRangeAndMaxCharactersOutOfTheIntRangeAreRefusedNamingTheRange() {
        String[][] cases = {
            {"\"path\":\"a.txt\",\"view_range\":[4294967297,4294967297]", "view_range[0] is 4294967297, out of range:"
                    + " it must be an integer from 1 to 2147483647"},
            {"\"path\":\"a.txt\",\"view_range\":[1,-4294967297]", "view_range[1] is -4294967297, out of range: it must"
                    + " be an integer from -1 to 2147483647"},
            {"\"path\":\"a.txt\",\"max_characters\":4294967297", "max_characters is 4294967297, out of range: it must"
                    + " be an integer from 1 to 2147483647"},
            {"\"path\":\".\",\"max_characters\":2147483648", "max_characters is 2147483648, out of range"}};
        for (String[] c : cases) {
            ToolResult r = view("v" + c[0].hashCode(), c[0]);
            assertThat(r.error()).as(c[0]).isTrue();
            assertThat(r.content()).as(c[0]).contains(c[1]);
        }
        ToolResult fine = view("v5", "\"path\":\"a.txt\",\"view_range\":[1,-1],\"max_characters\":2147483647");
        assertThat(fine.error()).isFalse();
        assertThat(fine.content()).isEqualTo("1: a\n(a.txt at version 1)\n");
    }
}
