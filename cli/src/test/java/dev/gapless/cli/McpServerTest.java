package dev.gapless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import dev.gapless.testkit.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An MCP session over stdio, driven by the MCP Java SDK's own client against {@code gapless mcp} in a child JVM. */
class McpServerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void aClientInitializesListsToolsAndCallsThem() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String chat = "mcp-" + UUID.randomUUID();
        ServerParameters server = ServerParameters.builder(java)
                .args("-cp", System.getProperty("java.class.path"), "dev.gapless.cli.Main", "mcp",
                        "--jdbc-url", PG.jdbcUrl(), "--user", PG.server().user(), "--password",
                        PG.server().password(), "--chat", chat)
                .build();
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
        try (McpSyncClient client = McpClient.sync(new StdioClientTransport(server, mapper))
                .requestTimeout(Duration.ofSeconds(60)).initializationTimeout(Duration.ofSeconds(60)).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("gapless");
            assertThat(init.capabilities().tools()).isNotNull();

            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("add_code_file", "add_code_files",
                    "delete_code_file", "edit_code_file", "str_replace_based_edit_tool", "apply_patch", "get_code_file",
                    "list_code_files", "get_artifact_history", "get_code_diff", "revert_to_version");
            assertThat(Json.MAPPER.valueToTree(tools.get(0).inputSchema()).path("required").toString())
                    .contains("filename").contains("content");

            McpSchema.CallToolResult added = client.callTool(new McpSchema.CallToolRequest("add_code_file",
                    Map.of("filename", "main.cpp", "language", "cpp", "content", "int main() {}")));
            assertThat(added.isError()).isFalse();
            JsonNode payload = Json.MAPPER.readTree(text(added));
            assertThat(payload.path("version").asInt()).isEqualTo(1);

            McpSchema.CallToolResult read = client.callTool(new McpSchema.CallToolRequest("get_code_file",
                    Map.of("filename", "main.cpp")));
            assertThat(Json.MAPPER.readTree(text(read)).path("content").asText()).isEqualTo("int main() {}");

            McpSchema.CallToolResult bad = client.callTool(new McpSchema.CallToolRequest("add_code_file",
                    Map.of("filename", "../escape.txt", "language", "text", "content", "x")));
            assertThat(bad.isError()).isTrue();
            assertThat(text(bad)).contains("'..'");

            McpSchema.CallToolResult invalid = client.callTool(new McpSchema.CallToolRequest("add_code_file",
                    Map.of("filename", 7)));
            assertThat(invalid.isError()).isTrue();
            assertThat(text(invalid)).contains("violates");

            McpSchema.CallToolResult history = client.callTool(new McpSchema.CallToolRequest(
                    "get_artifact_history", Map.of()));
            assertThat(Json.MAPPER.readTree(text(history)).path("versions")).hasSize(1);
        }
    }

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private static ChildJvm server(String chat) throws Exception {
        return ChildJvm.start("dev.gapless.cli.Main", "mcp", "--jdbc-url", PG.jdbcUrl(), "--user",
                PG.server().user(), "--password", PG.server().password(), "--chat", chat);
    }

    private static void send(ChildJvm child, String... lines) throws Exception {
        for (String line : lines) {
            child.stdin().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        child.stdin().flush();
    }

    private static JsonNode answer(ChildJvm child, String id) throws Exception {
        return Json.MAPPER.readTree(child.awaitLine(line -> line.contains("\"id\":" + id + ","), PATIENCE));
    }

    private static String toolCall(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }

    @Test
    void linesThatAreNotJsonRpcGetAnErrorAndTheSessionGoesOnWithNothingWritten() throws Exception {
        try (ChildJvm server = server("mcp-" + UUID.randomUUID())) {
            send(server, INITIALIZE);
            answer(server, "1");
            send(server, INITIALIZED, "not json", "{\"foo\":1}", "[]",
                    toolCall(2, "add_code_file", "\"{\\\"filename\\\":\\\"a.txt\\\"}\""),
                    toolCall(3, "add_code_file", "{\"filename\":\"a.txt\",\"language\":\"t\",\"content\":\"x\","
                            + "\"filename\":\"b.txt\"}"),
                    toolCall(4, "get_artifact_history", "{}"));
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                codes.add(Json.MAPPER.readTree(server.awaitLine(line -> line.contains("\"id\":null"), PATIENCE))
                        .path("error").path("code").asInt());
            }
            assertThat(codes).containsExactly(-32700, -32600, -32600);
            JsonNode stringArguments = answer(server, "2");
            assertThat(stringArguments.path("error").path("code").asInt()).isEqualTo(-32602);
            assertThat(stringArguments.path("error").path("message").asText())
                    .contains("\"arguments\" of add_code_file must be a JSON object").doesNotContain("jackson");
            JsonNode keyTwice = answer(server, "3");
            assertThat(keyTwice.path("error").path("code").asInt()).isEqualTo(-32602);
            assertThat(keyTwice.path("error").path("message").asText()).contains("the key 'filename' appears twice");
            JsonNode history = answer(server, "4");
            assertThat(Json.MAPPER.readTree(history.at("/result/content/0/text").asText()).path("versions"))
                    .as("the session goes on, and nothing was written").isEmpty();
        }
    }

    /** A 17 MiB tools/call, over the transport's 16 MiB: once with the id first, once with it last (TypeScript). */
    @Test
    void aLineOverTheSizeLimitGetsAJsonRpcErrorWithItsIdAndTheSessionGoesOn() throws Exception {
        String content = "x".repeat(17 << 20);
        String arguments = "{\"filename\":\"big.txt\",\"language\":\"text\",\"content\":\"" + content + "\"}";
        String idFirst = toolCall(5, "add_code_file", arguments);
        String idLast = "{\"method\":\"tools/call\",\"params\":{\"name\":\"add_code_file\",\"arguments\":"
                + arguments + "},\"jsonrpc\":\"2.0\",\"id\":\"six\"}";
        try (ChildJvm server = server("mcp-" + UUID.randomUUID())) {
            send(server, INITIALIZE);
            answer(server, "1");
            send(server, INITIALIZED, idFirst, idLast, toolCall(7, "get_artifact_history", "{}"));
            for (String id : List.of("5", "\"six\"")) {
                JsonNode refused = answer(server, id);
                assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32600);
                assertThat(refused.path("error").path("message").asText()).contains("over the limit of 16777216 bytes")
                        .contains("nothing was run");
            }
            JsonNode history = answer(server, "7");
            assertThat(Json.MAPPER.readTree(history.at("/result/content/0/text").asText()).path("versions"))
                    .as("the session goes on, and nothing was written").isEmpty();
            assertThat(server.errors()).doesNotContain("MaxSizeExceededException");
        }
    }

    @Test
    void endOfInputEndsTheServerOnceWhatItWasAskedIsAnswered() throws Exception {
        try (ChildJvm server = server("mcp-" + UUID.randomUUID())) {
            send(server, INITIALIZE, INITIALIZED, toolCall(2, "add_code_file",
                    "{\"filename\":\"last.txt\",\"language\":\"text\",\"content\":\"sent just before the end\"}"));
            server.stdin().close();
            assertThat(answer(server, "2").at("/result/content/0/text").asText()).contains("Added last.txt");
            assertThat(server.awaitExit(PATIENCE)).as(server.errors()).isZero();
        }
    }

    @Test
    void onStdioTheDefaultChatsFilesAreListedAndASubscriptionToAnotherChatsFileIsUpdated() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String chat = "mcp-res-" + UUID.randomUUID();
        String other = "mcp-other-" + UUID.randomUUID();
        dev.gapless.core.ArtifactStore store = dev.gapless.core.ArtifactStore.create(PG.dataSource());
        dev.gapless.core.Artifact mine = store.getOrCreate(chat, "code", "t");
        store.append(mine.id(), dev.gapless.core.Change.put(dev.gapless.core.CodeFile.of("a.txt", "a")));
        dev.gapless.core.Artifact theirs = store.getOrCreate(other, "code", "t");
        store.append(theirs.id(), dev.gapless.core.Change.put(dev.gapless.core.CodeFile.of("b.txt", "b")));
        ServerParameters server = ServerParameters.builder(java)
                .args("-cp", System.getProperty("java.class.path"), "dev.gapless.cli.Main", "mcp",
                        "--jdbc-url", PG.jdbcUrl(), "--user", PG.server().user(), "--password",
                        PG.server().password(), "--chat", chat)
                .build();
        BlockingQueue<String> updated = new LinkedBlockingQueue<>();
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
        try (McpSyncClient client = McpClient.sync(new StdioClientTransport(server, mapper))
                .requestTimeout(Duration.ofSeconds(60)).initializationTimeout(Duration.ofSeconds(60))
                .resourcesUpdateConsumer(contents -> contents.forEach(c -> updated.add(c.uri()))).build()) {
            client.initialize();
            assertThat(client.listResources().resources()).extracting(McpSchema.Resource::uri)
                    .containsExactly("gapless://chat/" + chat + "/code/a.txt");
            String uri = "gapless://chat/" + other + "/code/b.txt";
            client.subscribeResource(new McpSchema.SubscribeRequest(uri));
            store.append(theirs.id(), dev.gapless.core.Change.put(dev.gapless.core.CodeFile.of("b.txt", "b2")));
            assertThat(updated.poll(60, TimeUnit.SECONDS)).isEqualTo(uri);
            McpSchema.ReadResourceResult read = client.readResource(new McpSchema.ReadResourceRequest(uri));
            assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).text()).isEqualTo("b2");
        }
    }
}
