package dev.gapless.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallAdvisor;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;

/**
 * Spring AI's ChatClient with its ToolCallAdvisor (the tool calling loop) against a scripted chat model that answers
 * with a recorded model response's tool calls, then with text once it sees their results. The spring-ai-2 module
 * compiles and runs this same test against Spring AI 2.0, so it keeps to the API both versions share (see
 * {@link #ask}).
 */
class GaplessSpringAiTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    /** Answers the user with the given tool calls, and a message with tool responses with "done". */
    static final class ScriptedModel implements ChatModel {
        final List<AssistantMessage.ToolCall> calls;
        final List<ToolResponseMessage> responses = new CopyOnWriteArrayList<>();
        final List<String> offeredTools = new CopyOnWriteArrayList<>();

        ScriptedModel(List<AssistantMessage.ToolCall> calls) {
            this.calls = calls;
        }

        @Override
        public ChatResponse call(Prompt prompt) {
            if (prompt.getOptions() instanceof ToolCallingChatOptions options) {
                options.getToolCallbacks().forEach(c -> offeredTools.add(c.getToolDefinition().name()));
            }
            List<Message> messages = prompt.getInstructions();
            if (messages.get(messages.size() - 1) instanceof ToolResponseMessage last) {
                responses.add(last);
                return new ChatResponse(List.of(new Generation(new AssistantMessage("done"))));
            }
            return new ChatResponse(List.of(new Generation(AssistantMessage.builder().content("")
                    .toolCalls(calls).build())));
        }

        /** Spring AI 1.1's ChatClient starts from these options; 2.0 deprecated this for {@link #getOptions()}. */
        @Override
        public ChatOptions getDefaultOptions() {
            return getOptions();
        }

        /**
         * Spring AI 2.0's ChatClient starts from these options, and offers the tools only where they are tool calling
         * options. Not an {@code @Override}: Spring AI 1.1's ChatModel has no such method, and this test runs on both.
         */
        public ChatOptions getOptions() {
            return ToolCallingChatOptions.builder().build();
        }
    }

    ArtifactStore store;
    ToolExecutor gapless;
    String chat;

    @BeforeEach
    void setUp() {
        store = ArtifactStore.create(PG.dataSource());
        gapless = ToolExecutor.builder(store).build();
        chat = "spring-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        gapless.close();
    }

    static List<AssistantMessage.ToolCall> recorded(String response) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        for (ToolCall call : Recorded.openAiCalls(response)) {
            calls.add(new AssistantMessage.ToolCall(call.id(), "function", call.name(), call.arguments()));
        }
        return calls;
    }

    /**
     * Asks the model through a ChatClient whose tool calling loop uses the manager, offering the tools, with the
     * test's chat in the tool context; returns the answer. The spring-ai-2 module's subclass wires it the Spring AI 2.0
     * way and so runs every test here through that API too.
     */
    String ask(ChatModel model, ToolCallingManager manager, List<ToolCallback> tools) {
        return ChatClient.builder(model)
                .defaultAdvisors(ToolCallAdvisor.builder().toolCallingManager(manager).build())
                .build().prompt().user("write the blink sketch")
                .toolCallbacks(tools)
                .toolContext(Map.of(GaplessToolCallbacks.CHAT_ID, chat))
                .call().content();
    }

    private ScriptedModel run(List<AssistantMessage.ToolCall> calls, ToolCallingManager manager) {
        ScriptedModel model = new ScriptedModel(calls);
        assertThat(ask(model, manager, GaplessToolCallbacks.of(gapless))).isEqualTo("done");
        assertThat(model.responses).as("one round of tool responses").hasSize(1);
        return model;
    }

    @Test
    void theManagerRunsFourParallelCallsAsFourVersionsAndAReplayAddsNothing() throws Exception {
        List<AssistantMessage.ToolCall> calls = recorded("openai-four-files.json");
        GaplessToolCallingManager manager = GaplessToolCallingManager.create(gapless);

        ScriptedModel first = run(calls, manager);
        assertThat(first.offeredTools).contains("add_code_file", "get_code_file");
        ToolResponseMessage responses = first.responses.get(0);
        assertThat(responses.getResponses()).extracting(ToolResponseMessage.ToolResponse::id)
                .containsExactlyElementsOf(calls.stream().map(AssistantMessage.ToolCall::id).toList());
        assertThat(responses.getResponses()).allSatisfy(r -> assertThat(r.responseData())
                .contains("\"status\":\"ok\"").contains("\"deduplicated\":false"));
        assertThat(responses.getMetadata().get(GaplessToolCallingManager.ERRORS)).isEqualTo(List.of());
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
        assertThat(Recorded.files(store, chat))
                .containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");

        ScriptedModel replay = run(calls, manager);
        assertThat(replay.responses.get(0).getResponses())
                .allSatisfy(r -> assertThat(r.responseData()).contains("\"deduplicated\":true"));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
    }

    @Test
    void theManagerMarksBadCallsAsErrorsAndWritesNothingForThem() throws Exception {
        ScriptedModel model = run(recorded("openai-bad-calls.json"), GaplessToolCallingManager.create(gapless));

        ToolResponseMessage responses = model.responses.get(0);
        assertThat(responses.getResponses()).hasSize(6);
        assertThat(responses.getMetadata().get(GaplessToolCallingManager.ERRORS)).isEqualTo(List.of(
                "call_malformed", "call_unknown", "call_wrong_type", "call_traversal", "call_missing"));
        assertThat(responses.getResponses()).filteredOn(r -> r.id().equals("call_traversal")).singleElement()
                .satisfies(r -> assertThat(r.responseData()).contains("'..'").contains("nothing was written"));
        assertThat(responses.getResponses()).filteredOn(r -> r.id().equals("call_unknown")).singleElement()
                .satisfies(r -> assertThat(r.responseData()).contains("unknown tool 'rm_rf'"));
        assertThat(Recorded.files(store, chat)).containsExactly("ok.txt");
        assertThat(Recorded.versions(store, chat)).isEqualTo(1);
    }

    @Test
    void callsOfOtherToolsInTheSameMessageGoToTheDelegateAndKeepTheirPlace() {
        ToolCallback weather = org.springframework.ai.tool.function.FunctionToolCallback
                .builder("weather", (Map<String, Object> in) -> "sunny in " + in.get("city"))
                .description("the weather").inputType(Map.class).build();
        List<AssistantMessage.ToolCall> calls = List.of(
                new AssistantMessage.ToolCall("call_a", "function", "add_code_file",
                        "{\"filename\": \"a.txt\", \"language\": \"text\", \"content\": \"a\"}"),
                new AssistantMessage.ToolCall("call_w", "function", "weather", "{\"city\": \"Oslo\"}"),
                new AssistantMessage.ToolCall("call_b", "function", "add_code_file",
                        "{\"filename\": \"b.txt\", \"language\": \"text\", \"content\": \"b\"}"));
        ScriptedModel model = new ScriptedModel(calls);
        List<ToolCallback> tools = new ArrayList<>(GaplessToolCallbacks.of(gapless));
        tools.add(weather);
        String answer = ask(model, GaplessToolCallingManager.create(gapless), tools);

        assertThat(answer).isEqualTo("done");
        List<ToolResponseMessage.ToolResponse> responses = model.responses.get(0).getResponses();
        assertThat(responses).extracting(ToolResponseMessage.ToolResponse::id)
                .containsExactly("call_a", "call_w", "call_b");
        assertThat(responses.get(1).responseData()).contains("sunny in Oslo");
        assertThat(Recorded.files(store, chat)).containsExactlyInAnyOrder("a.txt", "b.txt");
    }

    @Test
    void theCallbacksAloneWorkThroughSpringAisOwnManagerWhichReportsFailuresAsToolErrors() throws Exception {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>(recorded("openai-four-files.json"));
        calls.add(new AssistantMessage.ToolCall("call_bad", "function", "add_code_file",
                "{\"filename\": \"../escape.txt\", \"language\": \"text\", \"content\": \"x\"}"));

        ScriptedModel model = run(calls, ToolCallingManager.builder().build());

        List<ToolResponseMessage.ToolResponse> responses = model.responses.get(0).getResponses();
        assertThat(responses).hasSize(5);
        assertThat(responses.subList(0, 4)).allSatisfy(r -> assertThat(r.responseData()).contains("\"status\":\"ok\""));
        // Spring AI's DefaultToolExecutionExceptionProcessor turned the ToolExecutionException into the response
        assertThat(responses.get(4).responseData()).contains("'..'").contains("nothing was written")
                .doesNotContain("\"status\"");
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
        assertThat(Recorded.files(store, chat))
                .containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");
    }
}
