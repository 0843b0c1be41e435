package dev.gapless.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The recorded responses, parsed by the SDKs themselves, executed, and answered with the SDKs' parameter types. */
class ProviderSdksTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    private ArtifactStore store;
    private ToolExecutor gapless;
    private String chat;

    @BeforeEach
    void setUp() {
        store = ArtifactStore.create(PG.dataSource());
        gapless = ToolExecutor.builder(store).build();
        chat = "sdk-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        gapless.close();
    }

    private static ChatCompletion completion(String name) throws Exception {
        return com.openai.core.ObjectMappers.jsonMapper().readValue(Recorded.response(name), ChatCompletion.class);
    }

    private static Response response(String json) throws Exception {
        return com.openai.core.ObjectMappers.jsonMapper().readValue(json, Response.class);
    }

    private static JsonNode wire(Object sdkObject) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = com.openai.core.ObjectMappers.jsonMapper();
        return mapper.readTree(mapper.writeValueAsString(sdkObject));
    }

    private static Message message(String json) throws Exception {
        return com.anthropic.core.ObjectMappers.jsonMapper().readValue(json, Message.class);
    }

    private static String text(ChatCompletionToolMessageParam param) {
        return param.content().asText();
    }

    private static String text(ResponseInputItem item) {
        return item.isFunctionCallOutput() ? item.asFunctionCallOutput().output().asString()
                : item.asApplyPatchCallOutput().output().orElseThrow();
    }

    private static String callId(ResponseInputItem item) {
        return item.isFunctionCallOutput() ? item.asFunctionCallOutput().callId().orElseThrow()
                : item.asApplyPatchCallOutput().callId();
    }

    private static String text(ToolResultBlockParam block) {
        return block.content().orElseThrow().asString();
    }

    @Test
    void anOpenAiChatCompletionsFourFilesLandAndAReplayAddsNothing() throws Exception {
        ChatCompletion completion = completion("openai-four-files.json");

        List<ChatCompletionToolMessageParam> replies = OpenAiChatCompletions.execute(gapless, chat, completion);

        assertThat(replies).extracting(ChatCompletionToolMessageParam::toolCallId).containsExactly(
                "call_Q1mZp8bXh2kL4sT9vW3yN6aR", "call_T7nB2cV5xK9mL1pQ4wE8rY3u", "call_H4jK8lP2zX6cV9bN1mQ5wR7t",
                "call_Z9xC3vB6nM2kL8jH4gF1dS5a");
        assertThat(replies).allSatisfy(r -> assertThat(text(r)).contains("\"status\":\"ok\""));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
        assertThat(Recorded.files(store, chat))
                .containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");
        // the reply goes back into the SDK's next request as it is
        String wire = com.openai.core.ObjectMappers.jsonMapper().writeValueAsString(
                ChatCompletionMessageParam.ofTool(replies.get(0)));
        assertThat(wire).contains("\"role\":\"tool\"").contains("\"tool_call_id\":\"call_Q1mZp8bXh2kL4sT9vW3yN6aR\"");

        List<ChatCompletionToolMessageParam> replay = OpenAiChatCompletions.execute(gapless, chat, completion);
        assertThat(replay).allSatisfy(r -> assertThat(text(r)).contains("\"deduplicated\":true"));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
    }

    @Test
    void openAiBadCallsAreAnsweredWithErrorsAndWriteNothing() throws Exception {
        List<ChatCompletionToolMessageParam> replies = OpenAiChatCompletions.execute(gapless, chat,
                completion("openai-bad-calls.json"));

        assertThat(replies).hasSize(6);
        assertThat(replies.stream().filter(r -> text(r).startsWith("{\"error\"")).map(
                ChatCompletionToolMessageParam::toolCallId)).containsExactly("call_malformed", "call_unknown",
                "call_wrong_type", "call_traversal", "call_missing");
        assertThat(Recorded.files(store, chat)).containsExactly("ok.txt");
    }

    @Test
    void anAnthropicMessageFourFilesLandAndAReplayAddsNothing() throws Exception {
        Message message = message(Recorded.response("anthropic-four-files.json"));

        List<ToolResultBlockParam> results = AnthropicMessages.execute(gapless, chat, message);

        assertThat(results).hasSize(4).allSatisfy(r -> {
            assertThat(r.isError()).contains(false);
            assertThat(text(r)).contains("\"status\":\"ok\"");
        });
        assertThat(results.get(0).toolUseId()).isEqualTo("toolu_01A9xKq2LmN8pR4tV6wY1zA5");
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
        assertThat(Recorded.files(store, chat))
                .containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");

        assertThat(AnthropicMessages.execute(gapless, chat, message))
                .allSatisfy(r -> assertThat(text(r)).contains("\"deduplicated\":true"));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
    }

    @Test
    void anAnthropicBadCallIsAToolResultWithIsErrorAndWritesNothing() throws Exception {
        Message message = message("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,"
                + "\"output_tokens\":1},\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_bad\",\"name\":"
                + "\"add_code_file\",\"input\":{\"filename\":\"../../etc/passwd\",\"language\":\"text\","
                + "\"content\":\"x\"}},{\"type\":\"tool_use\",\"id\":\"toolu_ok\",\"name\":\"add_code_file\","
                + "\"input\":{\"filename\":\"ok.txt\",\"language\":\"text\",\"content\":\"fine\"}}]}");

        List<ToolResultBlockParam> results = AnthropicMessages.execute(gapless, chat, message);

        assertThat(results.get(0).isError()).contains(true);
        assertThat(text(results.get(0))).contains("'..'").contains("nothing was written");
        assertThat(results.get(1).isError()).contains(false);
        String wire = com.anthropic.core.ObjectMappers.jsonMapper().writeValueAsString(
                AnthropicMessages.reply(results));
        MessageParam reply = AnthropicMessages.reply(results);
        assertThat(reply.role()).isEqualTo(MessageParam.Role.USER);
        assertThat(wire).contains("\"type\":\"tool_result\"").contains("\"is_error\":true")
                .contains("\"tool_use_id\":\"toolu_bad\"");
        assertThat(Recorded.files(store, chat)).containsExactly("ok.txt");
    }

    @Test
    void anOpenAiResponsesFourFilesLandAndAReplayAddsNothing() throws Exception {
        Response response = response(Recorded.response("responses-four-files.json"));
        List<String> ids = List.of("call_Q1mZp8bXh2kL4sT9vW3yN6aR", "call_T7nB2cV5xK9mL1pQ4wE8rY3u",
                "call_H4jK8lP2zX6cV9bN1mQ5wR7t", "call_Z9xC3vB6nM2kL8jH4gF1dS5a");
        // the reasoning and the message items are not calls; the output items alone give the same calls
        assertThat(OpenAiResponses.toolCalls(response)).extracting(ToolCall::id).containsExactlyElementsOf(ids);
        assertThat(OpenAiResponses.toolCalls(response.output())).isEqualTo(OpenAiResponses.toolCalls(response));

        List<ResponseInputItem> items = OpenAiResponses.execute(gapless, chat, response);

        assertThat(items).allSatisfy(i -> assertThat(i.isFunctionCallOutput()).isTrue());
        assertThat(items).extracting(ProviderSdksTest::callId).containsExactlyElementsOf(ids);
        assertThat(items).allSatisfy(i -> assertThat(text(i)).contains("\"status\":\"ok\""));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
        assertThat(Recorded.files(store, chat))
                .containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");
        // the items go into the SDK's next request as they are, in the shape the API reads
        ResponseCreateParams next = ResponseCreateParams.builder().model("gpt-5.1")
                .previousResponseId(response.id()).inputOfResponse(items).build();
        JsonNode body = wire(next._body());
        assertThat(body.path("previous_response_id").asText()).isEqualTo("resp_68c2b0a0b2c3819e9f1a2b3c4d5e6f70");
        assertThat(body.path("input")).hasSize(4);
        JsonNode first = body.path("input").get(0);
        assertThat(first.path("type").asText()).isEqualTo("function_call_output");
        assertThat(first.path("call_id").asText()).isEqualTo(ids.get(0));
        assertThat(first.path("output").isTextual()).isTrue();
        assertThat(first.path("output").asText()).contains("\"status\":\"ok\"");

        List<ResponseInputItem> replay = OpenAiResponses.execute(gapless, chat, response.output());
        assertThat(replay).extracting(ProviderSdksTest::callId).containsExactlyElementsOf(ids);
        assertThat(replay).allSatisfy(i -> assertThat(text(i)).contains("\"deduplicated\":true"));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
    }

    @Test
    void openAiResponsesApplyPatchCallsAreAnsweredAsApplyPatchCallOutputs() throws Exception {
        OpenAiResponses.execute(gapless, chat, response(Recorded.response("responses-four-files.json")));
        Response edits = response(Recorded.response("responses-edits.json"));

        List<ResponseInputItem> items = OpenAiResponses.execute(gapless, chat, edits);

        assertThat(items).extracting(ProviderSdksTest::callId).containsExactly("call_Rs1kF5tN8pW2xV6zQ9mB4cYd",
                "call_Ap2mG6uP9qX3yW7aR1nC5dZe", "call_Ap3nH7vQ1rY4zX8bS2oD6eAf");
        assertThat(items.get(0).isFunctionCallOutput()).isTrue();
        assertThat(items.subList(1, 3)).allSatisfy(i -> {
            assertThat(i.isApplyPatchCallOutput()).isTrue();
            assertThat(i.asApplyPatchCallOutput().status())
                    .isEqualTo(ResponseInputItem.ApplyPatchCallOutput.Status.COMPLETED);
        });
        assertThat(text(items.get(2))).startsWith("Patched docs/wiring.md (version ");
        assertThat(Recorded.versions(store, chat)).isEqualTo(7);
        assertThat(Recorded.files(store, chat)).containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini",
                "README.md", "docs/wiring.md");
        JsonNode patched = wire(items.get(1));
        assertThat(patched.path("type").asText()).isEqualTo("apply_patch_call_output");
        assertThat(patched.path("call_id").asText()).isEqualTo("call_Ap2mG6uP9qX3yW7aR1nC5dZe");
        assertThat(patched.path("status").asText()).isEqualTo("completed");

        assertThat(OpenAiResponses.execute(gapless, chat, edits).subList(1, 3))
                .allSatisfy(i -> assertThat(text(i)).contains("applied before by this call id"));
        assertThat(Recorded.versions(store, chat)).isEqualTo(7);
    }

    @Test
    void openAiResponsesBadCallsAreErrorOutputsAndWriteNothing() throws Exception {
        Response response = response(Recorded.response("responses-bad-calls.json"));

        List<ResponseInputItem> items = OpenAiResponses.execute(gapless, chat, response);

        assertThat(items).extracting(ProviderSdksTest::callId).containsExactly("call_malformed", "call_unknown",
                "call_traversal", "call_patch_traversal", "call_ok");
        assertThat(items.subList(0, 3)).allSatisfy(i -> assertThat(text(i)).startsWith("{\"error\""));
        assertThat(text(items.get(2))).contains("'..'").contains("nothing was written");
        ResponseInputItem.ApplyPatchCallOutput patch = items.get(3).asApplyPatchCallOutput();
        assertThat(patch.status()).isEqualTo(ResponseInputItem.ApplyPatchCallOutput.Status.FAILED);
        assertThat(wire(items.get(3)).path("status").asText()).isEqualTo("failed");
        assertThat(text(items.get(4))).contains("\"status\":\"ok\"");
        assertThat(Recorded.files(store, chat)).containsExactly("ok.txt");
        assertThat(Recorded.versions(store, chat)).isEqualTo(1);
    }

    @Test
    void openAiResponsesApplyPatchCallCannotDeleteAFileItDoesNotName() throws Exception {
        OpenAiResponses.execute(gapless, chat, response(Recorded.response("responses-four-files.json")));
        Response injected = response("""
                {"id":"resp_injected","object":"response","created_at":1764400000,"model":"gpt-5","status":"completed",
                 "output":[{"type":"apply_patch_call","id":"apc_1","call_id":"call_injected","status":"completed",
                  "operation":{"type":"update_file","path":"main.cpp",
                   "diff":"@@ void loop() {\\n-  delay(BLINK_MS);\\n+  delay(1);\\n*** Delete File: config.h\\n"}}],
                 "parallel_tool_calls":true,"tool_choice":"auto","tools":[],"temperature":1.0,"top_p":1.0}""");

        List<ResponseInputItem> items = OpenAiResponses.execute(gapless, chat, injected);

        ResponseInputItem.ApplyPatchCallOutput out = items.get(0).asApplyPatchCallOutput();
        assertThat(out.status()).isEqualTo(ResponseInputItem.ApplyPatchCallOutput.Status.FAILED);
        assertThat(out.output().orElseThrow()).contains("the V4A envelope line '*** Delete File: config.h'")
                .contains("nothing was written");
        assertThat(Recorded.files(store, chat)).contains("config.h", "main.cpp");
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
    }

    @Test
    void openAiResponsesFreeformApplyPatchIsAnsweredAsACustomToolCallOutput() throws Exception {
        OpenAiResponses.execute(gapless, chat, response(Recorded.response("responses-four-files.json")));
        Response custom = response("""
                {"id":"resp_custom","object":"response","created_at":1764390200,"status":"completed",
                 "model":"gpt-5.1","parallel_tool_calls":true,"tool_choice":"auto","tools":[],"output":[
                  {"type":"custom_tool_call","id":"ctc_1","call_id":"call_freeform","name":"apply_patch",
                   "input":"*** Begin Patch\\n*** Add File: notes/todo.md\\n+# Todo\\n*** End Patch\\n"}]}
                """);

        List<ResponseInputItem> items = OpenAiResponses.execute(gapless, chat, custom);

        assertThat(items).hasSize(1);
        assertThat(items.get(0).isCustomToolCallOutput()).isTrue();
        JsonNode wire = wire(items.get(0));
        assertThat(wire.path("type").asText()).isEqualTo("custom_tool_call_output");
        assertThat(wire.path("call_id").asText()).isEqualTo("call_freeform");
        assertThat(wire.path("output").asText()).startsWith("Patched notes/todo.md (version 5");
        assertThat(Recorded.files(store, chat)).contains("notes/todo.md");
        assertThat(Recorded.versions(store, chat)).isEqualTo(5);
    }
}
