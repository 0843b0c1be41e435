package dev.gapless.executor.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A format keeps nothing between parsing and rendering: a call carries the shape of its answer. */
class StatelessFormatTest {

    private static final String RESPONSE = """
            {"object":"response","output":[
             {"type":"function_call","call_id":"call_f","name":"get_code_files","arguments":"{}"},
             {"type":"apply_patch_call","call_id":"call_p","operation":{"type":"create_file","path":"a.py",
              "diff":"+x\\n"}},
             {"type":"custom_tool_call","call_id":"call_c","name":"apply_patch","input":"*** Begin Patch"}]}""";

    @Test
    void noFormatHasAnInstanceField() {
        for (Format format : List.of(new OpenAiFormat(), new ResponsesFormat(), new AnthropicFormat())) {
            assertThat(Arrays.stream(format.getClass().getDeclaredFields())
                    .filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName))
                    .as(format.name()).isEmpty();
        }
    }

    @Test
    void responsesCallsCarryTheShapeOfTheirAnswer() {
        List<ToolCall> calls = new ResponsesFormat().parse(Format.read(RESPONSE));
        assertThat(calls).extracting(ToolCall::reply)
                .containsExactly(ToolCall.Reply.FUNCTION, ToolCall.Reply.PATCH, ToolCall.Reply.FREEFORM);
    }

    @Test
    void anotherInstanceRendersEachResultInItsCallsShape() {
        List<ToolCall> calls = new ResponsesFormat().parse(Format.read(RESPONSE));
        List<ToolResult> results = calls.stream().map(c -> new ToolResult(c.id(), c.name(), false,
                "{\"summary\":\"Added a.py\",\"version\":1}").answering(c)).toList();

        JsonNode items = new ResponsesFormat().render(results);

        assertThat(Stream.of(0, 1, 2).map(i -> items.get(i).path("type").asText())).containsExactly(
                "function_call_output", "apply_patch_call_output", "custom_tool_call_output");
        assertThat(items.get(1).path("status").asText()).isEqualTo("completed");
        assertThat(items.get(1).path("output").asText()).isEqualTo("Added a.py (version 1)");
        // a result that does not say which call it answers is a function call's
        assertThat(new ResponsesFormat().render(List.of(new ToolResult("call_p", "apply_patch", false, "{}")))
                .get(0).path("type").asText()).isEqualTo("function_call_output");
    }

    @Test
    void chatCompletionsCustomCallsAreReadAsEveryFormatReadsFreeformCalls() {
        JsonNode message = Format.read("""
                {"role":"assistant","tool_calls":[
                 {"id":"call_1","type":"custom","custom":{"name":"apply_patch","input":"*** Begin Patch"}},
                 {"id":"call_2","type":"custom","custom":{"name":"run_shell","input":"ls -la"}},
                 {"id":"call_3","type":"function","function":{"name":"get_code_files","arguments":"{}"}}]}""");

        List<ToolCall> calls = new OpenAiFormat().parse(message);

        assertThat(calls).containsExactly(ToolCall.freeform("call_1", "apply_patch", "*** Begin Patch"),
                ToolCall.freeform("call_2", "run_shell", "ls -la"),
                new ToolCall("call_3", "get_code_files", "{}"));
        assertThat(calls.get(0).arguments()).isEqualTo("{\"input\":\"*** Begin Patch\"}");
        assertThat(calls.get(1).arguments()).isEqualTo("ls -la");
        // the same calls as the Responses API's custom_tool_call items
        assertThat(new ResponsesFormat().parse(Format.read("""
                [{"type":"custom_tool_call","call_id":"call_1","name":"apply_patch","input":"*** Begin Patch"},
                 {"type":"custom_tool_call","call_id":"call_2","name":"run_shell","input":"ls -la"}]""")))
                .isEqualTo(calls.subList(0, 2));
    }
}
