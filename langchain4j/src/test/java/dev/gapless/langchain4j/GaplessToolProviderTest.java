package dev.gapless.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LangChain4j's own AI service loop, with concurrent tool execution, against a scripted chat model that answers
 * with a recorded model response's tool calls, then with text once it sees their results.
 */
class GaplessToolProviderTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(20);

    interface Assistant {
        String chat(@MemoryId String chatId, @UserMessage String message);
    }

    /** Answers the user with the given tool calls, and a message with tool results with "done". */
    static final class ScriptedModel implements ChatModel {
        final List<ToolExecutionRequest> calls;
        final List<ToolExecutionResultMessage> results = new CopyOnWriteArrayList<>();
        final List<String> offeredTools = new CopyOnWriteArrayList<>();

        ScriptedModel(List<ToolExecutionRequest> calls) {
            this.calls = calls;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            request.toolSpecifications().forEach(t -> offeredTools.add(t.name()));
            ChatMessage last = request.messages().get(request.messages().size() - 1);
            if (last instanceof ToolExecutionResultMessage) {
                for (ChatMessage m : request.messages()) {
                    if (m instanceof ToolExecutionResultMessage r) {
                        results.add(r);
                    }
                }
                return ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
            }
            return ChatResponse.builder().aiMessage(AiMessage.from(calls)).build();
        }
    }

    private ArtifactStore store;
    private ToolExecutor gapless;
    private String chat;

    @BeforeEach
    void setUp() {
        store = ArtifactStore.create(PG.dataSource());
        gapless = ToolExecutor.builder(store).build();
        chat = "lc4j-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        gapless.close();
    }

    static List<ToolExecutionRequest> recorded(String response) {
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (ToolCall call : Recorded.openAiCalls(response)) {
            requests.add(ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.arguments())
                    .build());
        }
        return requests;
    }

    private ScriptedModel run(List<ToolExecutionRequest> calls) {
        ScriptedModel model = new ScriptedModel(calls);
        GaplessToolProvider tools = GaplessToolProvider.create(gapless);
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(model)
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(50))
                .toolProvider(tools)
                .hallucinatedToolNameStrategy(tools::unknownTool)
                .executeToolsConcurrently()
                .build();
        assertThat(assistant.chat(chat, "write the blink sketch")).isEqualTo("done");
        return model;
    }



    @Test
    void fourParallelAddCodeFileCallsLandAsFourVersionsAndAReplayAddsNothing() {
        List<ToolExecutionRequest> calls = recorded("openai-four-files.json");
        ScriptedModel first = run(calls);

        assertThat(first.offeredTools).contains("add_code_file", "get_code_file", "delete_code_file");
        assertThat(first.results).extracting(ToolExecutionResultMessage::id)
                .containsExactlyInAnyOrderElementsOf(calls.stream().map(ToolExecutionRequest::id).toList());
        assertThat(first.results).allSatisfy(r -> {
            assertThat(r.isError()).isFalse();
            assertThat(r.text()).contains("\"status\":\"ok\"").contains("\"deduplicated\":false");
        });
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
        assertThat(Recorded.files(store, chat))
                .containsExactlyInAnyOrder("main.cpp", "config.h", "platformio.ini", "README.md");

        ScriptedModel replay = run(calls);
        assertThat(replay.results).hasSize(4).allSatisfy(r -> assertThat(r.text()).contains("\"deduplicated\":true"));
        assertThat(Recorded.versions(store, chat)).isEqualTo(4);
    }

    @Test
    void twoWholeFileWritesOfOneResponseBothLandAndOfOneLineOneIsRefusedShowingBothSides() {
        run(recorded("merge-create.json"));
        ScriptedModel disjoint = run(recorded("merge-two-writes.json"));
        assertThat(disjoint.results).hasSize(2).noneMatch(ToolExecutionResultMessage::isError);
        assertThat(disjoint.results).filteredOn(r -> r.text().contains("\"merged\":\"ok, merged with version 2 ("))
                .hasSize(1);
        String head = store.file(store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id(), "app.py")
                .orElseThrow().file().content();
        assertThat(head).contains("    return 22\n").contains("    return 33\n");

        chat = "lc4j-" + UUID.randomUUID();
        run(recorded("merge-create.json"));
        ScriptedModel sameLine = run(recorded("merge-same-line.json"));
        assertThat(sameLine.results).filteredOn(ToolExecutionResultMessage::isError).singleElement()
                .satisfies(r -> assertThat(r.text()).contains("<<<<<<< yours (this write)")
                        .contains("======= version 2 (the artifact now)").contains("Nothing was written"));
    }

    @Test
    void aBadCallIsAToolResultMarkedAsAnErrorAndWritesNothing() throws Exception {
        ScriptedModel model = run(recorded("openai-bad-calls.json"));

        assertThat(model.results).hasSize(6);
        for (ToolExecutionResultMessage result : model.results) {
            boolean ok = result.id().equals("call_ok");
            if (!result.id().equals("call_unknown")) {
                // LangChain4j 1.19 keeps only the text of a hallucinatedToolNameStrategy's message, not its flag
                assertThat(result.isError()).as(result.id()).isEqualTo(!ok);
            }
            assertThat(result.text()).as(result.id()).contains(ok ? "\"status\":\"ok\"" : "\"error\"");
        }
        assertThat(model.results).filteredOn(r -> r.id().equals("call_traversal")).singleElement()
                .satisfies(r -> assertThat(r.text()).contains("'..'").contains("nothing was written"));
        assertThat(model.results).filteredOn(r -> r.id().equals("call_unknown")).singleElement()
                .satisfies(r -> assertThat(r.text()).contains("unknown tool 'rm_rf'"));
        assertThat(Recorded.files(store, chat)).containsExactly("ok.txt");
        assertThat(Recorded.versions(store, chat)).isEqualTo(1);
    }

    @Test
    void everyToolIsOfferedWithItsSchema() {
        var spec = GaplessToolProvider.specification(gapless.catalog().tools().get(0));
        assertThat(spec.name()).isEqualTo("add_code_file");
        assertThat(spec.parameters().required()).contains("filename", "language", "content");
        assertThat(spec.parameters().properties()).containsKeys("filename", "language", "content", "description");
        assertThat(new ObjectMapper().valueToTree(gapless.catalog().tools().stream()
                .map(t -> GaplessToolProvider.specification(t).name()).toList()).size()).isEqualTo(
                gapless.catalog().tools().size());
    }
}
