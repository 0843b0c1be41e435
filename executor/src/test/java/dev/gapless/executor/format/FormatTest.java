package dev.gapless.executor.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatTest {

    static String resource(String name) throws IOException {
        try (InputStream in = FormatTest.class.getResourceAsStream("/responses/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void openAiResponsesGiveTheirCallsWithArgumentStringsUntouched() throws Exception {
        JsonNode document = Format.read(resource("openai-four-files.json"));
        Format format = Format.detect(document);
        assertThat(format.name()).isEqualTo("openai");
        List<ToolCall> calls = format.parse(document);
        assertThat(calls).extracting(ToolCall::name).containsOnly("add_code_file");
        assertThat(calls).extracting(ToolCall::id).containsExactly("call_Q1mZp8bXh2kL4sT9vW3yN6aR",
                "call_T7nB2cV5xK9mL1pQ4wE8rY3u", "call_H4jK8lP2zX6cV9bN1mQ5wR7t", "call_Z9xC3vB6nM2kL8jH4gF1dS5a");
        assertThat(calls.get(0).arguments()).startsWith("{\"filename\": \"main.cpp\"");
        // a message or the bare tool_calls array work too
        assertThat(format.parse(document.at("/choices/0/message"))).isEqualTo(calls);
        assertThat(format.parse(document.at("/choices/0/message/tool_calls"))).isEqualTo(calls);
    }

    @Test
    void streamsParseAsTextDoesWithTheSameErrors() throws Exception {
        byte[] utf8 = resource("openai-four-files.json").getBytes(StandardCharsets.UTF_8);
        JsonNode fromText = Format.read(resource("openai-four-files.json"));
        assertThat(Format.read(new java.io.ByteArrayInputStream(utf8))).isEqualTo(fromText);
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);
        assertThat(Format.read(new java.io.ByteArrayInputStream(bom))).isEqualTo(fromText);
        assertThatThrownBy(() -> Format.read(new java.io.ByteArrayInputStream(new byte[0])))
                .isInstanceOf(UnusableInputException.class).hasMessage("the input is empty");
        assertThatThrownBy(() -> Format.read(new java.io.ByteArrayInputStream("{\"a\":1,\"a\":2}"
                .getBytes(StandardCharsets.UTF_8)))).isInstanceOf(UnusableInputException.class)
                .hasMessageStartingWith("the input is ambiguous: ");
        assertThatThrownBy(() -> Format.read(new java.io.ByteArrayInputStream("{\"a\":".getBytes(
                StandardCharsets.UTF_8)))).isInstanceOf(UnusableInputException.class)
                .hasMessageStartingWith("the input is not valid JSON: ");
    }

    @Test
    void openAiResultsAreToolMessagesInCallOrder() {
        JsonNode out = new OpenAiFormat().render(List.of(new ToolResult("a", "t", false, "{\"ok\":1}"),
                new ToolResult("b", "t", true, "{\"error\":\"no\"}")));
        assertThat(out.isArray()).isTrue();
        assertThat(out.get(0).path("role").asText()).isEqualTo("tool");
        assertThat(out.get(0).path("tool_call_id").asText()).isEqualTo("a");
        assertThat(out.get(1).path("content").asText()).isEqualTo("{\"error\":\"no\"}");
    }

    @Test
    void anthropicResponsesGiveTheirToolUseBlocksAndSkipText() throws Exception {
        JsonNode document = Format.read(resource("anthropic-four-files.json"));
        Format format = Format.detect(document);
        assertThat(format.name()).isEqualTo("anthropic");
        List<ToolCall> calls = format.parse(document);
        assertThat(calls).hasSize(4);
        assertThat(calls.get(0).id()).isEqualTo("toolu_01A9xKq2LmN8pR4tV6wY1zA5");
        assertThat(Format.read(calls.get(0).arguments()).path("filename").asText()).isEqualTo("main.cpp");
    }

    @Test
    void anthropicResultsAreAUserMessageOfToolResultBlocksWithIsError() {
        JsonNode out = new AnthropicFormat().render(List.of(new ToolResult("a", "t", false, "x"),
                new ToolResult("b", "t", true, "y")));
        assertThat(out.path("role").asText()).isEqualTo("user");
        JsonNode blocks = out.path("content");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(blocks.get(0).path("tool_use_id").asText()).isEqualTo("a");
        assertThat(blocks.get(0).path("is_error").asBoolean()).isFalse();
        assertThat(blocks.get(1).path("is_error").asBoolean()).isTrue();
    }

    @Test
    void unusableDocumentsAreRefusedAsAWhole() {
        assertThatThrownBy(() -> Format.read("{not json")).isInstanceOf(UnusableInputException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Format.read("")).isInstanceOf(UnusableInputException.class);
        assertThatThrownBy(() -> Format.detect(Format.read("{\"hello\":1}"))).isInstanceOf(UnusableInputException.class)
                .hasMessageContaining("neither");
        assertThatThrownBy(() -> Format.read("[".repeat(100) + "]".repeat(100)))
                .isInstanceOf(UnusableInputException.class);
        assertThatThrownBy(() -> new OpenAiFormat().parse(Format.read("{\"choices\":[]}")))
                .isInstanceOf(UnusableInputException.class);
        assertThatThrownBy(() -> Format.named("gemini")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openai");
    }

    @Test
    void aResponseWithoutToolCallsHasNone() throws Exception {
        JsonNode stop = Format.read("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                + "\"finish_reason\":\"stop\"}]}");
        assertThat(Format.detect(stop).parse(stop)).isEmpty();
    }
}
