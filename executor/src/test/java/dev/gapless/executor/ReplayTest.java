package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.internal.Json;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What executing the same model response again does (docs/tool-calls.md, "Replays"): a call that was applied is
 * never applied again and answers with the version it wrote; a call that failed wrote nothing, its id is not spent,
 * and it runs again against the artifact as it is then; one id on two different calls is refused, not deduplicated.
 */
class ReplayTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static ToolCall call(String id, String name, String arguments) {
        return new ToolCall(id, name, arguments);
    }

    private static JsonNode json(ToolResult r) throws Exception {
        return Json.MAPPER.readTree(r.content());
    }

    @Test
    void aFailedCallIsNotSpentAndRunsAgainOnReplayWhileAnAppliedOneIsNotAppliedTwice() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "chat-" + UUID.randomUUID();
        // one at a time: the delete runs before the file exists
        List<ToolCall> response = List.of(
                call("call_del", "delete_code_file", "{\"filename\": \"a.txt\"}"),
                call("call_add", "add_code_file", "{\"filename\": \"a.txt\", \"language\": \"\", \"content\": \"x\"}"));
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).maxParallelism(1).build()) {
            List<ToolResult> first = executor.execute(response);
            assertThat(first.get(0).error()).isTrue();
            assertThat(json(first.get(0)).path("error").asText()).contains("no such file").contains("nothing was written");
            assertThat(json(first.get(1)).path("version").asInt()).isEqualTo(1);

            List<ToolResult> replay = executor.execute(response);
            assertThat(replay.get(0).error()).as("the failed delete ran again, now that a.txt exists").isFalse();
            assertThat(json(replay.get(0)).path("version").asInt()).isEqualTo(2);
            assertThat(json(replay.get(1)).path("deduplicated").asBoolean()).isTrue();
            assertThat(json(replay.get(1)).path("version").asInt()).isEqualTo(1);

            List<ToolResult> third = executor.execute(response);
            assertThat(third).noneMatch(ToolResult::error);
            assertThat(third).allMatch(r -> r.content().contains("\"deduplicated\":true"));
        }
        assertThat(store.history(store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id())).hasSize(2);
    }

    /** Regression: a second call with the same id and other arguments was answered "ok, deduplicated": a lost write. */
    @Test
    void oneIdOnTwoDifferentCallsAppliesOneAndRefusesTheOther() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "chat-" + UUID.randomUUID();
        List<ToolCall> response = List.of(
                call("same", "add_code_file", "{\"filename\": \"a.txt\", \"language\": \"\", \"content\": \"a\"}"),
                call("same", "add_code_file", "{\"filename\": \"b.txt\", \"language\": \"\", \"content\": \"b\"}"));
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build()) {
            List<ToolResult> results = executor.execute(response);
            assertThat(results).filteredOn(ToolResult::error).hasSize(1);
            ToolResult refused = results.stream().filter(ToolResult::error).findFirst().orElseThrow();
            assertThat(json(refused).path("error").asText()).contains("already used for a different call")
                    .contains("nothing was written");
        }
        assertThat(store.history(store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id())).hasSize(1);
    }
}
