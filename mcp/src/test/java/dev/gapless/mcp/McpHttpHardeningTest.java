package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.testing.Recorded;
import dev.gapless.testkit.PostgresExtension;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, items 5, 9, 14 and 15: what the Streamable HTTP server answers to bad, slow and out-of-scope clients. */
class McpHttpHardeningTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(12);

    private static final String TOKEN = "hardening-" + UUID.randomUUID();
    private static final String TEAM_A = "team-a-token-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ArtifactStore store;
    private static ToolExecutor executor;
    private static McpHttpServer server;

    @TempDir
    static Path files;

    @BeforeAll
    static void start() throws Exception {
        store = ArtifactStore.create(PG.dataSource());
        executor = ToolExecutor.builder(store).build();
        Path tokenFile = files.resolve("tokens");
        Files.writeString(tokenFile, "# token  chats\n" + TEAM_A + "  team-a-*  shared-demo\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        server = McpHttpServer.builder(executor, "test").token(TOKEN).tokenFile(tokenFile).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        executor.close();
    }

    private static HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint()).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + TOKEN, "Content-Type",
                "application/json", "Accept", "application/json, text/event-stream"));
        for (int i = 0; i < headers.length; i += 2) {
            int at = all.indexOf(headers[i]);
            if (at >= 0) {
                all.set(at + 1, headers[i + 1]);
            } else {
                all.addAll(List.of(headers[i], headers[i + 1]));
            }
        }
        for (int i = 0; i < all.size(); i += 2) {
            request.header(all.get(i), all.get(i + 1));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON-RPC error with a short message: no serialised exception, no stack trace. */
    private static JsonNode jsonRpcError(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(response.body()).doesNotContain("stackTrace").doesNotContain("\tat ").doesNotContain("Exception");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.has("id")).isTrue();
        return body.path("error");
    }

    private static String session(String token) throws Exception {
        HttpResponse<String> init = post(INITIALIZE, "Authorization", "Bearer " + token);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @Test
    void invalidJsonIsAParseErrorWithoutAStackTrace() throws Exception {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":1,");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(jsonRpcError(response).path("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void aBatchIsRefusedAsAnInvalidRequest() throws Exception {
        HttpResponse<String> response = post("[" + INITIALIZE + "," + INITIALIZE + "]");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = jsonRpcError(response);
        assertThat(error.path("code").asInt()).isEqualTo(-32600);
        assertThat(error.path("message").asText()).contains("batches");
    }

    @Test
    void wrongContentTypeIs415AndWrongAcceptIs406() throws Exception {
        HttpResponse<String> text = post(INITIALIZE, "Content-Type", "text/plain");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(jsonRpcError(text).path("message").asText()).contains("application/json").contains("text/plain");
        HttpResponse<String> accept = post(INITIALIZE, "Accept", "application/json");
        assertThat(accept.statusCode()).isEqualTo(406);
        assertThat(jsonRpcError(accept).path("message").asText()).contains("text/event-stream");
    }

    @Test
    void anUnknownSessionIs404WithAJsonRpcErrorNotASerialisedException() throws Exception {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}",
                "Mcp-Session-Id", "no-such-session");
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = jsonRpcError(response);
        assertThat(error.path("message").asText()).contains("Session not found");
        assertThat(JSON.readTree(response.body()).path("id").asInt()).isEqualTo(7);

        HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(server.endpoint()).DELETE()
                .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", "no-such-session").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(delete.body()).doesNotContain("stackTrace").doesNotContain("Exception");
    }

    @Test
    void duplicateKeysInACallAreRefusedAsInvalidParamsAsOnStdio() throws Exception {
        String chat = "dup-" + UUID.randomUUID();
        String session = session(TOKEN);
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"add_code_file\",\"arguments\":{\"filename\":\"a.txt\",\"filename\":"
                + "\"b.txt\",\"language\":\"text\",\"content\":\"x\"},\"_meta\":{\"chat_id\":\"" + chat + "\"}}}",
                "Mcp-Session-Id", session);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode error = jsonRpcError(response);
        assertThat(error.path("code").asInt()).isEqualTo(-32602);
        assertThat(error.path("message").asText()).contains("filename");
        assertThat(JSON.readTree(response.body()).path("id").asText()).isEqualTo("c1");
        assertThat(store.find(chat, ToolExecutor.ARTIFACT_TYPE)).isEmpty();
    }

    @Test
    void argumentsSentAsAJsonStringAreAnsweredAtOnceWithInvalidParams() throws Exception {
        String chat = "string-args-" + UUID.randomUUID();
        String session = session(TOKEN);
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"add_code_file\",\"arguments\":\"{\\\"filename\\\":\\\"a.txt\\\"}\",\"_meta\":"
                + "{\"chat_id\":\"" + chat + "\"}}}", "Mcp-Session-Id", session);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode error = jsonRpcError(response);
        assertThat(error.path("code").asInt()).isEqualTo(-32602);
        assertThat(error.path("message").asText()).contains("send the object itself, not a string");
        assertThat(store.find(chat, ToolExecutor.ARTIFACT_TYPE)).isEmpty();
    }

    @Test
    void jsonRpc1IsRefused() throws Exception {
        HttpResponse<String> response = post(INITIALIZE.replace("\"2.0\"", "\"1.0\""));
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = jsonRpcError(response);
        assertThat(error.path("code").asInt()).isEqualTo(-32600);
        assertThat(error.path("message").asText()).contains("JSON-RPC 2.0");
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        for (String scheme : List.of("bearer", "BEARER", "Bearer")) {
            HttpResponse<String> init = post(INITIALIZE, "Authorization", scheme + " " + TOKEN);
            assertThat(init.statusCode()).as(scheme).isEqualTo(200);
        }
        assertThat(post(INITIALIZE, "Authorization", "bearer" + TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void slowBodyClientsDoNotKeepALegitimateCallWaiting() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            // more connections than the server has threads, each sending one byte of a 1000-byte body
            for (int i = 0; i < 80; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                OutputStream out = socket.getOutputStream();
                out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nAuthorization: Bearer "
                        + TOKEN + "\r\nContent-Type: application/json\r\nAccept: application/json, "
                        + "text/event-stream\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            }
            HttpResponse<String> legitimate = post(INITIALIZE);
            assertThat(legitimate.statusCode()).isEqualTo(200);
            assertThat(slow).allSatisfy(s -> assertThat(s.isClosed()).isFalse());
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aTokenScopedToChatsCannotReadOrWriteAnotherChat() throws Exception {
        String own = "team-a-" + UUID.randomUUID();
        String other = "team-b-" + UUID.randomUUID();
        String session = session(TEAM_A);
        String add = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"add_code_file\","
                + "\"arguments\":{\"filename\":\"a.txt\",\"language\":\"text\",\"content\":\"x\"},\"_meta\":"
                + "{\"chat_id\":\"%s\",\"tool_call_id\":\"%s\"}}}";
        HttpResponse<String> allowed = post(String.format(add, 1, own, "a1"), "Authorization", "Bearer " + TEAM_A,
                "Mcp-Session-Id", session);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(Recorded.files(store, own)).containsExactly("a.txt");

        HttpResponse<String> refused = post(String.format(add, 2, other, "b1"), "Authorization", "Bearer " + TEAM_A,
                "Mcp-Session-Id", session);
        assertThat(refused.body()).contains("\"isError\":true").contains("may not use chat '" + other + "'").contains("nothing was read or written");
        assertThat(store.find(other, ToolExecutor.ARTIFACT_TYPE)).isEmpty();

        // the all-chats token writes there; the scoped one still cannot read it, by _meta or by header
        String all = session(TOKEN);
        assertThat(post(String.format(add, 3, other, "b2"), "Mcp-Session-Id", all).body()).doesNotContain("may not");
        String list = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"list_code_files\",\"arguments\":{}}}";
        HttpResponse<String> read = post(list, "Authorization", "Bearer " + TEAM_A, "Mcp-Session-Id", session,
                McpHttpServer.CHAT_HEADER, other);
        assertThat(read.body()).contains("may not use chat").doesNotContain("a.txt");
    }

    @Test
    void aTokenFileOthersMayReadIsRefused() throws Exception {
        Path file = files.resolve("open-tokens");
        Files.writeString(file, TEAM_A + " *\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> McpHttpServer.builder(executor, "t").tokenFile(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chmod 600");

        Path malformed = files.resolve("malformed-tokens");
        Files.writeString(malformed, "# ok\n" + TEAM_A + "\n");
        Files.setPosixFilePermissions(malformed, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> McpHttpServer.builder(executor, "t").tokenFile(malformed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2")
                .hasMessageContaining("chat-id patterns");
    }

    @Test
    void chatPatternsMatchWholeIdsWithStarForAnyCharacters() {
        ChatScope scope = new ChatScope(List.of("team-a-*", "demo"));
        assertThat(scope.allows("team-a-1")).isTrue();
        assertThat(scope.allows("team-a-")).isTrue();
        assertThat(scope.allows("demo")).isTrue();
        assertThat(scope.allows("demo2")).isFalse();
        assertThat(scope.allows("xteam-a-1")).isFalse();
        assertThat(scope.allows("team-a.1")).isFalse();
        assertThat(ChatScope.ALL.allows("anything")).isTrue();
    }

    @Test
    void theServerSpeaksProtocolVersions2025_03_26To2025_11_25() throws Exception {
        java.util.Map<String, String> agreed = new java.util.LinkedHashMap<>();
        for (String version : List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2099-01-01")) {
            HttpResponse<String> init = post(INITIALIZE.replace("2025-06-18", version));
            assertThat(init.statusCode()).isEqualTo(200);
            agreed.put(version, JSON.readTree(init.body()).path("result").path("protocolVersion").asText());
        }
        // the versions it speaks are answered as asked; any other gets its newest, and the client decides
        assertThat(agreed).containsExactly(java.util.Map.entry("2024-11-05", "2025-11-25"),
                java.util.Map.entry("2025-03-26", "2025-03-26"), java.util.Map.entry("2025-06-18", "2025-06-18"),
                java.util.Map.entry("2025-11-25", "2025-11-25"), java.util.Map.entry("2099-01-01", "2025-11-25"));
    }
}
