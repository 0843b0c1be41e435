package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.executor.json.Json;
import dev.gapless.mcp.JsonRpcCheck.Action;
import dev.gapless.mcp.JsonRpcCheck.Verdict;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which client lines reach the SDK's transport, and the JSON-RPC error each of the others gets. */
class JsonRpcCheckTest {

    private final JsonRpcCheck check = new JsonRpcCheck(new JacksonMcpJsonMapper(new ObjectMapper()));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json                                                       | -32700 | null | not JSON",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"} trailing       | -32700 | null | not JSON",
        "{\"foo\":1}                                                    | -32600 | null | \"jsonrpc\": \"2.0\" is missing",
        "[]                                                             | -32600 | null | empty array",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]           | -32600 | null | batches",
        "42                                                             | -32600 | null | this is a number",
        "{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"ping\"}             | -32600 | 3    | JSON-RPC 2.0",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}            | -32600 | null | \"id\" must be a string or a number",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}          | -32600 | null | \"id\" must be a string or a number",
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":7}                    | -32600 | 4    | \"method\" must be a string",
        "{\"jsonrpc\":\"2.0\",\"id\":5}                                 | -32600 | 5    | needs a \"method\"",
        "{\"jsonrpc\":\"2.0\",\"result\":{}}                            | -32600 | null | needs the \"id\"",
        "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":\"bad\"}               | -32600 | 6    | integer \"code\"",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":[1]} | -32602 | 7 | \"params\" must be an object",
        "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\"}       | -32602 | 8    | tools/call needs \"params\"",
        "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":{}}} | -32602 | 9 | needs \"name\", a string",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"tools/call\",\"params\":{\"name\":\"add_code_file\",\"arguments\":\"{\\\"filename\\\":\\\"a\\\"}\"}} | -32602 | \"s\" | was a string holding JSON text",
        "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"add_code_file\",\"arguments\":[]}} | -32602 | 10 | must be a JSON object of named arguments, was an array",
        "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"_meta\":\"k\"}} | -32602 | 11 | \"_meta\" must be an object",
        "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":{\"a\":1,\"a\":2}}} | -32602 | 12 | the key 'a' appears twice in the object at /params/arguments",
        "{\"jsonrpc\":\"2.0\",\"id\":13,\"id\":14,\"method\":\"ping\"}  | -32600 | null | the key 'id' appears twice in the object at /",
        "{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"ping\",\"method\":\"x\"} | -32600 | 15 | the key 'method' appears twice",
    })
    void linesThatAreNotJsonRpcAreAnsweredWithTheirError(String line, int code, String id, String message)
            throws Exception {
        Verdict verdict = check.check(line);
        assertThat(verdict.action()).isEqualTo(Action.REPLY);
        JsonNode reply = Json.MAPPER.readTree(verdict.reply());
        assertThat(reply.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(reply.path("id").toString()).isEqualTo(id);
        assertThat(reply.path("error").path("code").asInt()).isEqualTo(code);
        assertThat(reply.path("error").path("message").asText()).contains(message)
                .doesNotContain("com.fasterxml").doesNotContain("Source: ");
    }

    @Test
    void jsonRpcMessagesPassAndRequestsAreToldApartFromNotificationsAndResponses() {
        Verdict call = check.check("{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"add_code_file\",\"arguments\":{\"filename\":\"a\"},\"_meta\":{\"tool_call_id\":\"k\"}}}");
        assertThat(call).isEqualTo(new Verdict(Action.FORWARD, null, "tools/call", "\"c1\""));
        Verdict noArguments = check.check("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"list_code_files\"}}");
        assertThat(noArguments.action()).isEqualTo(Action.FORWARD);
        assertThat(check.check("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
                .isEqualTo(new Verdict(Action.FORWARD, null, "notifications/initialized", null));
        assertThat(check.check("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}"))
                .isEqualTo(new Verdict(Action.FORWARD, null, null, null));
        assertThat(check.check("   ").action()).isEqualTo(Action.SKIP);
    }
}
