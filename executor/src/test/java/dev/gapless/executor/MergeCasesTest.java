package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.format.Format;
import dev.gapless.executor.json.Json;
import dev.gapless.executor.testing.MergeCases;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.executor.testing.MergeCases.Call;
import dev.gapless.executor.testing.MergeCases.Outcome;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of issue 20 through the real executor and PostgreSQL, in each provider's shape: each a fresh chat after
 * one create of an 8-function file, all calls of a case in ONE model response. No call says ok while its change is
 * absent; disjoint changes all land (the whole-file writes merged, and say with what); of two changes of one line, one
 * lands and the other is refused, showing both sides, with nothing written.
 */
class MergeCasesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(40);

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

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("openai", (Function<List<Call>, JsonNode>) MergeCases::chatCompletions),
                Arguments.of("anthropic", (Function<List<Call>, JsonNode>) MergeCases::anthropic),
                Arguments.of("responses", (Function<List<Call>, JsonNode>) MergeCases::responses));
    }

    private List<Outcome> respond(String format, Function<List<Call>, JsonNode> shape, List<Call> calls) {
        Format f = Format.named(format);
        JsonNode document = shape.apply(calls);
        assertThat(Format.detect(document).name()).isEqualTo(format);
        return MergeCases.outcomes(f.render(executor.execute(chat, f.parse(document))));
    }

    private String head() {
        return MergeCases.head(store, chat);
    }

    private int versions() {
        return Recorded.versions(store, chat);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void aStrReplaceBesideAWholeFileWriteBothLand(String format, Function<List<Call>, JsonNode> shape) {
        List<Call> calls = MergeCases.editBesideWholeWrite("c1");
        List<Outcome> outcomes = respond(format, shape, calls);
        assertThat(MergeCases.broken(calls, outcomes, head())).isEmpty();
        assertThat(outcomes).noneMatch(Outcome::error);
        assertThat(head()).contains("return 55\n").contains("return 11\n");
        assertThat(versions()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void twoWholeFileWritesOfDifferentFunctionsBothLandAndTheSecondSaysItMerged(String format,
            Function<List<Call>, JsonNode> shape) {
        List<Call> calls = MergeCases.twoWholeWritesOfDisjointLines("c2");
        List<Outcome> outcomes = respond(format, shape, calls);
        assertThat(MergeCases.broken(calls, outcomes, head())).isEmpty();
        assertThat(outcomes).noneMatch(Outcome::error);
        assertThat(head()).contains("return 22\n").contains("return 33\n");
        // the one that ran second was based on version 1 and merged with the first one's version 2
        assertThat(outcomes).filteredOn(o -> o.text().contains("merged with version 2 (line")).hasSize(1)
                .allSatisfy(o -> assertThat(o.text()).containsAnyOf("changed by c2_write_f2", "changed by c2_write_f3"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void twoWholeFileWritesOfOneLineOneLandsTheOtherIsRefusedShowingBothSides(String format,
            Function<List<Call>, JsonNode> shape) throws Exception {
        List<Call> calls = MergeCases.twoWholeWritesOfOneLine("c3");
        List<Outcome> outcomes = respond(format, shape, calls);
        assertThat(MergeCases.broken(calls, outcomes, head())).isEmpty();
        assertThat(outcomes).filteredOn(Outcome::error).hasSize(1);
        Outcome refused = outcomes.stream().filter(Outcome::error).findFirst().orElseThrow();
        String message = Json.MAPPER.readTree(refused.text()).path("error").asText();
        String mine = refused.id().endsWith("_a") ? "return 40 + 1" : "return 40 + 2";
        String theirs = refused.id().endsWith("_a") ? "return 40 + 2" : "return 40 + 1";
        assertThat(message).startsWith("conflict: 'app.py' changed since version 1").contains("Nothing was written")
                .contains("<<<<<<< yours (this write)\n    " + mine + "\n")
                .contains("======= version 2 (the artifact now)\n    " + theirs + "\n")
                .contains("Read 'app.py' again (version 2)");
        assertThat(versions()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void aPatchBesideAWholeFileWriteBothLand(String format, Function<List<Call>, JsonNode> shape) {
        List<Call> calls = MergeCases.patchBesideWholeWrite("c4");
        List<Outcome> outcomes = respond(format, shape, calls);
        assertThat(MergeCases.broken(calls, outcomes, head())).isEmpty();
        assertThat(outcomes).noneMatch(Outcome::error);
        assertThat(head()).contains("return 100\n").contains("return 66\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void aWholeFileWriteFromTheVersionOneViewAfterAStrReplaceLandedAsVersionTwoMerges(String format,
            Function<List<Call>, JsonNode> shape) {
        List<Call> edit = List.of(new Call("t2_edit_f5", MergeCases.Kind.STR_REPLACE, 5, "55"));
        assertThat(respond(format, shape, edit)).noneMatch(Outcome::error);
        assertThat(versions()).isEqualTo(2);
        List<Call> write = List.of(new Call("t3_write_f1", MergeCases.Kind.WRITE, 1, "11"));
        List<Outcome> outcomes = respond(format, shape, write);
        assertThat(MergeCases.broken(write, outcomes, head())).isEmpty();
        assertThat(outcomes.get(0).error()).isFalse();
        assertThat(outcomes.get(0).text()).contains("merged with version 2 (line 17 changed by t2_edit_f5)");
        assertThat(head()).contains("return 55\n").contains("return 11\n");
    }

    @Test
    void theViewHoldsAcrossARestartOnTheSameDatabase() {
        executor.execute(chat, List.of(MergeCases.toolCall(new Call("r_edit", MergeCases.Kind.STR_REPLACE, 5, "55"))));
        executor.close();
        ToolExecutor restarted = ToolExecutor.builder(ArtifactStore.create(PG.dataSource())).build();
        ToolResult r = restarted.execute(chat, List.of(MergeCases.toolCall(new Call("r_write", MergeCases.Kind.WRITE,
                1, "11")))).get(0);
        restarted.close();
        assertThat(r.error()).as(r.content()).isFalse();
        assertThat(r.content()).contains("merged with version 2");
        assertThat(head()).contains("return 55\n").contains("return 11\n");
    }

    /** The recorded responses the documentation shows, each after the recorded create, in a fresh chat. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "merge-edit-beside-write.json|return 55,return 11|",
        "merge-two-writes.json|return 22,return 33|",
        "merge-same-line.json||return 40 + 1,return 40 + 2",
        "merge-patch-beside-write.json|return 100,return 66|"})
    void theRecordedResponsesKeepWhatTheySayOkTo(String file, String landed, String oneOf) {
        chat = "chat-" + UUID.randomUUID();
        List<Outcome> created = recorded("merge-create.json");
        assertThat(created).noneMatch(Outcome::error);
        List<Outcome> outcomes = recorded(file);
        String head = head();
        if (landed != null) {
            assertThat(outcomes).as(outcomes.toString()).noneMatch(Outcome::error);
            for (String line : landed.split(",")) {
                assertThat(head).contains("    " + line + "\n");
            }
        } else {
            String[] either = oneOf.split(",");
            assertThat(outcomes).filteredOn(Outcome::error).hasSize(1);
            assertThat(head.contains("    " + either[0] + "\n")).isNotEqualTo(head.contains("    " + either[1] + "\n"));
        }
    }

    @Test
    void theRecordedTurnsMergeAWholeFileWriteFromTheFirstVersionWithTheEditOfTheSecond() {
        chat = "chat-" + UUID.randomUUID();
        recorded("merge-create.json");
        assertThat(recorded("merge-turn2-edit.json")).noneMatch(Outcome::error);
        List<Outcome> write = recorded("merge-turn3-write.json");
        assertThat(write.get(0).text()).contains("merged with version 2 (line 17 changed by call_Ed5cT2yL8nM1qR6xS2wP7tUb)");
        assertThat(head()).contains("    return 55\n").contains("    return 11\n");
    }

    private List<Outcome> recorded(String name) {
        JsonNode document = Format.read(Recorded.response(name));
        Format format = Format.detect(document);
        return MergeCases.outcomes(format.render(executor.execute(chat, format.parse(document))));
    }
}
