package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What executing the same model response again does (docs/tool-calls.md, "Replays"): a call that was applied is
 * never applied again and answers with the version it wrote; a call rejected for the artifact's state is answered
 * with its first result; a call that failed for a transient reason wrote nothing, its id is not spent, and it runs
 * again; one id on two different calls is refused, not deduplicated.
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

    /**
     * Regression (issue 18 item 11): the failed delete's id was not spent, so the replay ran it again, now that the
     * first run had added the file, and deleted it.
     */
    @Test
    void aReplayedResponseDoesNotChangeTheArtifact() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "chat-" + UUID.randomUUID();
        // one at a time: the delete runs before the file exists
        List<ToolCall> response = List.of(
                call("call_del", "delete_code_file", "{\"filename\": \"g.txt\"}"),
                call("call_add", "add_code_file", "{\"filename\": \"g.txt\", \"language\": \"\", \"content\": \"x\"}"));
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).maxParallelism(1).build()) {
            List<ToolResult> first = executor.execute(response);
            assertThat(first.get(0).error()).isTrue();
            assertThat(json(first.get(0)).path("error").asText()).contains("no such file").contains("nothing was written");
            assertThat(json(first.get(1)).path("version").asInt()).isEqualTo(1);

            List<ToolResult> replay = executor.execute(response);
            assertThat(replay.get(0)).as("the failed delete is answered with its first result").isEqualTo(first.get(0));
            assertThat(json(replay.get(1)).path("deduplicated").asBoolean()).isTrue();
            assertThat(json(replay.get(1)).path("version").asInt()).isEqualTo(1);
        }
        UUID id = store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id();
        assertThat(store.history(id)).hasSize(1);
        assertThat(store.file(id, "g.txt")).isPresent();
    }

    @Test
    void aCallThatTimedOutOnALockIsNotSpentAndRunsAgainOnReplay() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "chat-" + UUID.randomUUID();
        UUID id = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "").id();
        List<ToolCall> response = List.of(call("call_add", "add_code_file",
                "{\"filename\": \"g.txt\", \"language\": \"\", \"content\": \"x\"}"));
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).maxParallelism(1)
                .callTimeout(Duration.ofMillis(400)).build()) {
            try (Connection hog = PG.dataSource().getConnection()) {
                hog.setAutoCommit(false);
                try (PreparedStatement lock = hog.prepareStatement("SELECT 1 FROM artifacts WHERE id = ? FOR UPDATE")) {
                    lock.setObject(1, id);
                    lock.executeQuery().close();
                }
                ToolResult timedOut = executor.execute(response).get(0);
                assertThat(timedOut.error()).isTrue();
                assertThat(json(timedOut).path("error").asText()).startsWith("timed out")
                        .contains("nothing was written");
                hog.rollback();
            }

            ToolResult replay = executor.execute(response).get(0);
            assertThat(replay.error()).as(replay.content()).isFalse();
            assertThat(json(replay).path("deduplicated").asBoolean()).isFalse();
            assertThat(json(replay).path("version").asInt()).isEqualTo(1);
        }
        assertThat(store.history(id)).hasSize(1);
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

    @Test
    void anIdWhoseCallWasRejectedIsRefusedForAnotherCall() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "chat-" + UUID.randomUUID();
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build()) {
            assertThat(executor.execute(List.of(call("same", "delete_code_file", "{\"filename\": \"g.txt\"}")))
                    .get(0).error()).isTrue();
            ToolResult refused = executor.execute(List.of(call("same", "add_code_file",
                    "{\"filename\": \"g.txt\", \"language\": \"\", \"content\": \"x\"}"))).get(0);
            assertThat(json(refused).path("error").asText())
                    .isEqualTo("rejected: the tool call id 'same' was already used for a different call (which was"
                            + " rejected); nothing was written. Use a new id for a new call.");
        }
        assertThat(store.history(store.find(chat, ToolExecutor.ARTIFACT_TYPE).orElseThrow().id())).isEmpty();
    }
}
