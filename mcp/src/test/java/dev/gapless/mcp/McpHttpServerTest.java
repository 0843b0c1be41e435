package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.testing.MergeCases;
import dev.gapless.executor.testing.MergeCases.Call;
import dev.gapless.executor.testing.MergeCases.Kind;
import dev.gapless.executor.testing.MergeCases.Outcome;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Streamable HTTP server, driven by the MCP Java SDK's own HTTP client. */
class McpHttpServerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(24);

    private static final String TOKEN = "test-token-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ArtifactStore store;
    private static ToolExecutor executor;
    private static McpHttpServer server;

    @BeforeAll
    static void start() {
        store = ArtifactStore.create(PG.dataSource());
        executor = ToolExecutor.builder(store).build();
        server = McpHttpServer.builder(executor, "test").token(TOKEN).metrics(() -> "gapless_up 1\n").start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        executor.close();
    }

    private static McpSyncClient client(String token, String chatHeader) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + server.port())
                .endpoint(McpHttpServer.ENDPOINT)
                .httpRequestCustomizer((request, method, uri, body, context) -> {
                    if (token != null) {
                        request.header("Authorization", "Bearer " + token);
                    }
                    if (chatHeader != null) {
                        request.header(McpHttpServer.CHAT_HEADER, chatHeader);
                    }
                })
                .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60)).build();
    }

    private static McpSchema.CallToolResult add(McpSyncClient client, String id, String filename) {
        return client.callTool(McpSchema.CallToolRequest.builder().name("add_code_file")
                .arguments(Map.of("filename", filename, "language", "text", "content", "content of " + filename))
                .meta(Map.of("tool_call_id", id)).build());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void aDiffAndARevertOverMcpUndoTheLastChange() throws Exception {
        try (McpSyncClient client = client(TOKEN, "undo-" + UUID.randomUUID())) {
            client.initialize();
            add(client, "u1", "a.txt");
            add(client, "u2", "b.txt");
            McpSchema.CallToolResult diff = client.callTool(McpSchema.CallToolRequest.builder().name("get_code_diff")
                    .arguments(Map.of()).build());
            assertThat(diff.isError()).isFalse();
            assertThat(JSON.readTree(text(diff)).path("diff").asText())
                    .startsWith("diff --git a/b.txt b/b.txt\nnew file mode 100644\n");
            McpSchema.CallToolResult revert = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("revert_to_version").arguments(Map.of("version", 1)).meta(Map.of("tool_call_id", "undo"))
                    .build());
            assertThat(revert.isError()).as(text(revert)).isFalse();
            assertThat(JSON.readTree(text(revert)).path("version").asInt()).isEqualTo(3);
            McpSchema.CallToolResult page = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("get_artifact_history").arguments(Map.of("limit", 1)).build());
            assertThat(JSON.readTree(text(page)).path("versions").get(0).path("summary").asText())
                    .isEqualTo("Removed b.txt");
            assertThat(JSON.readTree(text(page)).path("next_before").asInt()).isEqualTo(3);
        }
    }

    @Test
    void toolsCarryAnnotationsAndTheListIsNotAdvertisedAsChanging() {
        try (McpSyncClient client = client(TOKEN, "annotations-" + UUID.randomUUID())) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.capabilities().tools().listChanged()).isNotEqualTo(Boolean.TRUE);
            Map<String, McpSchema.ToolAnnotations> hints = new java.util.HashMap<>();
            client.listTools().tools().forEach(t -> hints.put(t.name(), t.annotations()));
            for (String read : List.of("get_code_file", "list_code_files", "get_artifact_history", "get_code_diff")) {
                assertThat(hints.get(read).readOnlyHint()).as(read).isTrue();
            }
            assertThat(hints.get("delete_code_file").destructiveHint()).isTrue();
            assertThat(hints.get("delete_code_file").idempotentHint()).isTrue();
            assertThat(hints.get("add_code_file").readOnlyHint()).isFalse();
            assertThat(hints.get("add_code_file").destructiveHint()).isFalse();
            assertThat(hints.get("add_code_file").idempotentHint()).isTrue();
            assertThat(hints.get("apply_patch").destructiveHint()).as("a patch may delete files").isTrue();
            assertThat(hints.get("revert_to_version").readOnlyHint()).isFalse();
            assertThat(hints.get("revert_to_version").destructiveHint()).as("a revert may delete files").isTrue();
            assertThat(hints.get("revert_to_version").idempotentHint()).isTrue();
            for (String edit : List.of("edit_code_file", "str_replace_based_edit_tool")) {
                assertThat(hints.get(edit).readOnlyHint()).as(edit).isFalse();
                assertThat(hints.get(edit).destructiveHint()).as(edit).isFalse();
            }
            assertThat(hints.values()).allSatisfy(h -> assertThat(h.openWorldHint()).isFalse());
        }
    }

    @Test
    void concurrentClientsOfManyChatsEachKeepTheirFilesAndReplaysAddNothing() throws Exception {
        int clients = 6;
        ExecutorService agents = Executors.newFixedThreadPool(clients);
        try {
            List<String> chats = new ArrayList<>();
            List<Future<?>> runs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String chat = "http-" + c + "-" + UUID.randomUUID();
                chats.add(chat);
                // half name the chat in a header, half in each call's _meta
                boolean header = c % 2 == 0;
                runs.add(agents.submit(() -> {
                    try (McpSyncClient client = client(TOKEN, header ? chat : null)) {
                        client.initialize();
                        for (int i = 0; i < 4; i++) {
                            McpSchema.CallToolRequest.Builder call = McpSchema.CallToolRequest.builder()
                                    .name("add_code_file").arguments(Map.of("filename", "f" + i + ".txt",
                                            "language", "text", "content", chat + " " + i));
                            Map<String, Object> meta = header ? Map.of("tool_call_id", chat + "/" + i)
                                    : Map.of("tool_call_id", chat + "/" + i, "chat_id", chat);
                            McpSchema.CallToolResult result = client.callTool(call.meta(meta).build());
                            assertThat(result.isError()).as(text(result)).isFalse();
                            // the same call again: the call id is the key, nothing is added
                            McpSchema.CallToolResult replay = client.callTool(call.meta(meta).build());
                            assertThat(text(replay)).contains("\"deduplicated\":true");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }
            for (String chat : chats) {
                assertThat(Recorded.versions(store, chat)).isEqualTo(4);
                assertThat(Recorded.files(store, chat)).containsExactlyInAnyOrder("f0.txt", "f1.txt", "f2.txt",
                        "f3.txt");
            }
        } finally {
            agents.shutdownNow();
        }
    }

    @Test
    void aCallThatNamesNoChatIsAnErrorResultAndWritesNothing() throws Exception {
        try (McpSyncClient client = client(TOKEN, null)) {
            client.initialize();
            McpSchema.CallToolResult result = add(client, "no-chat-1", "a.txt");
            assertThat(result.isError()).isTrue();
            assertThat(JSON.readTree(text(result)).path("error").asText()).contains("no chat")
                    .contains(McpHttpServer.CHAT_HEADER).contains("nothing was written");
        }
    }

    @Test
    void aMissingOrWrongTokenGets401AndRunsNothing() throws Exception {
        String chat = "unauthorized-" + UUID.randomUUID();
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        HttpClient http = HttpClient.newHttpClient();
        for (String authorization : new String[] {null, "Bearer wrong-" + TOKEN, "Basic " + TOKEN, TOKEN}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header(McpHttpServer.CHAT_HEADER, chat)
                    .POST(HttpRequest.BodyPublishers.ofString(call));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"gapless\"");
            assertThat(response.headers().firstValue("Mcp-Session-Id")).as("no session was started").isEmpty();
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("error").asText()).contains("bearer token");
        }
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> {
            try (McpSyncClient client = client("wrong-" + TOKEN, chat)) {
                client.initialize();
            }
        }).isInstanceOf(RuntimeException.class);
        assertThat(Recorded.versions(store, chat)).isZero();
        assertThat(store.find(chat, ToolExecutor.ARTIFACT_TYPE)).isEmpty();
    }

    @Test
    void metricsAreServedBehindTheToken() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).isEqualTo("gapless_up 1\n");
    }

    @Test
    void requestsForAnotherHostNameOrFromABrowserOriginAreRefused() throws Exception {
        // DNS rebinding: a page of evil.example that resolves to 127.0.0.1 sends its own Host
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            String body = "{}";
            socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: evil.example:" + server.port()
                    + "\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 421");
        }
        HttpResponse<String> fromPage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.endpoint())
                .header("Authorization", "Bearer " + TOKEN).header("Origin", "https://evil.example")
                .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fromPage.statusCode()).isEqualTo(403);
    }

    @Test
    void aTokenMustBeLongEnough() {
        assertThatThrownBy(() -> McpHttpServer.builder(executor, "t").token("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> McpHttpServer.builder(executor, "t").start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bearer token is required");
    }

    // issue 20: the calls of one model response over MCP, and a view per session

    @SuppressWarnings("unchecked")
    private static Outcome callOf(McpSyncClient client, ToolCall call) throws Exception {
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder().name(call.name())
                .arguments(JSON.readValue(call.arguments(), Map.class)).meta(Map.of("tool_call_id", call.id()))
                .build());
        return new Outcome(call.id(), Boolean.TRUE.equals(result.isError()),
                ((McpSchema.TextContent) result.content().get(0)).text());
    }

    private static String head(String chat) {
        return MergeCases.head(store, chat);
    }

    /** An initialized session of a chat. */
    private static McpSyncClient session(String chat) {
        McpSyncClient client = client(TOKEN, chat);
        client.initialize();
        return client;
    }

    /**
     * A fresh chat, the create, then the calls of one response sent at once, each its own {@code tools/call} with
     * no base stated: the session's view (the create) is their base, whichever lands first.
     */
    private static List<Outcome> respond(String chat, List<Call> calls) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(calls.size());
        try (McpSyncClient client = session(chat)) {
            Outcome created = callOf(client, MergeCases.create(chat + "_create"));
            assertThat(JSON.readTree(created.text()).path("version").asInt()).isEqualTo(1);
            List<Future<Outcome>> sent = new ArrayList<>();
            for (Call c : calls) {
                sent.add(senders.submit(() -> callOf(client, MergeCases.toolCall(c))));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : sent) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void theCasesOfOneResponseKeepEveryChangeTheySayOkTo() throws Exception {
        List<List<Call>> disjoint = List.of(MergeCases.editBesideWholeWrite("m1"),
                MergeCases.twoWholeWritesOfDisjointLines("m2"), MergeCases.patchBesideWholeWrite("m4"));
        for (List<Call> calls : disjoint) {
            String chat = "mcp-merge-" + UUID.randomUUID();
            List<Outcome> outcomes = respond(chat, calls);
            assertThat(MergeCases.broken(calls, outcomes, head(chat))).isEmpty();
            assertThat(outcomes).as(outcomes.toString()).noneMatch(Outcome::error);
        }
        String chat = "mcp-merge-" + UUID.randomUUID();
        List<Call> overlapping = MergeCases.twoWholeWritesOfOneLine("m3");
        List<Outcome> outcomes = respond(chat, overlapping);
        assertThat(MergeCases.broken(overlapping, outcomes, head(chat))).isEmpty();
        assertThat(outcomes).filteredOn(Outcome::error).hasSize(1).allSatisfy(o -> assertThat(o.text())
                .contains("<<<<<<< yours (this write)").contains("======= version 2").contains("Nothing was written"));
    }

    @Test
    void eachSessionHasItsOwnViewOfTheChat() throws Exception {
        String chat = "mcp-sessions-" + UUID.randomUUID();
        try (McpSyncClient a = session(chat); McpSyncClient b = session(chat)) {
            callOf(a, MergeCases.create("a_create"));                                            // a saw version 1
            assertThat(callOf(b, MergeCases.toolCall(new Call("b_edit", Kind.STR_REPLACE, 5, "55")))
                    .error()).isFalse();                                                       // version 2
            Outcome read = callOf(b, new ToolCall("b_read", "get_code_file", "{\"filename\":\"app.py\"}"));
            String bSaw = JSON.readTree(read.text()).path("content").asText();                 // b saw version 2
            // a rewrites the file from its version-1 view: b's edit is merged in, not overwritten
            Outcome fromA = callOf(a, MergeCases.toolCall(new Call("a_write", Kind.WRITE, 1, "11")));
            assertThat(fromA.text()).contains("merged with version 2 (line 17 changed by b_edit)");
            // b rewrites from its version-2 view: a's write (version 3) is merged in
            Outcome fromB = callOf(b, new ToolCall("b_write", "add_code_file", JSON.writeValueAsString(Map.of(
                    "filename", "app.py", "language", "python", "content",
                    bSaw.replace("    return 3\n", "    return 33\n")))));
            assertThat(fromB.text()).contains("merged with version 3 (line 5 changed by a_write)");
        }
        assertThat(head(chat)).contains("return 55\n").contains("return 11\n").contains("return 33\n");
    }
}
