package dev.gapless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.ArtifactStore;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.testkit.ChildJvm;
import dev.gapless.testkit.PostgresExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code gapless mcp --http} in a child JVM: a generated token, a client of the SDK, and the Prometheus scrape. */
class McpHttpCommandTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private static String value(ChildJvm server, String prefix) throws Exception {
        return server.awaitLine(line -> line.startsWith(prefix), PATIENCE).substring(prefix.length()).trim();
    }

    @Test
    void anHttpServerWithAGeneratedTokenServesChatsNamedByTheirRequestsAndExposesMetrics() throws Exception {
        String chat = "http-cli-" + UUID.randomUUID();
        try (ChildJvm server = ChildJvm.start("dev.gapless.cli.Main", "mcp", "--http", "--port", "0",
                "--jdbc-url", PG.jdbcUrl(), "--user", PG.server().user(), "--password", PG.server().password())) {
            URI endpoint = URI.create(value(server, "MCP endpoint:"));
            URI metrics = URI.create(value(server, "metrics:"));
            String token = value(server, "bearer token:").split("\\s+")[0];
            assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
            assertThat(token).hasSizeGreaterThanOrEqualTo(40);

            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                    .builder("http://127.0.0.1:" + endpoint.getPort())
                    .httpRequestCustomizer((request, method, uri, body, context) -> request
                            .header("Authorization", "Bearer " + token).header("X-Gapless-Chat", chat))
                    .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper())).build();
            try (McpSyncClient client = McpClient.sync(transport).requestTimeout(PATIENCE)
                    .initializationTimeout(PATIENCE).build()) {
                client.initialize();
                McpSchema.CallToolResult added = client.callTool(McpSchema.CallToolRequest.builder()
                        .name("add_code_file").arguments(Map.of("filename", "main.cpp", "language", "cpp",
                                "content", "int main() {}")).meta(Map.of("tool_call_id", "call-1")).build());
                assertThat(added.isError()).isFalse();
            }

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> unauthorized = http.send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(metrics)
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains("gapless_append_seconds_count{outcome=\"applied\",strategy=\"row-lock\"} 1")
                    .contains("gen_ai_execute_tool_duration_seconds_count{error_type=\"none\","
                            + "gen_ai_tool_name=\"add_code_file\"} 1")
                    .contains("gapless_executor_queued{executor=\"0\"} 0");
        }
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        assertThat(store.find(chat, ToolExecutor.ARTIFACT_TYPE).map(a -> store.history(a.id()).size()))
                .contains(1);
    }

    @Test
    void tokenOnTheCommandLineIsNeverWrittenToTheDataDirectoryLock(@TempDir Path home) throws Exception {
        String token = "do-not-store-" + UUID.randomUUID();
        Path dataDir = home.resolve("data");
        try (ChildJvm server = ChildJvm.start("dev.gapless.cli.Main", "mcp", "--http", "--port", "0",
                "--token", token, "--viewer", "--data-dir", dataDir.toString())) {
            URI endpoint = URI.create(value(server, "MCP endpoint:"));
            String viewer = value(server, "viewer:");
            assertThat(viewer).isEqualTo("http://127.0.0.1:" + endpoint.getPort() + "/viewer/#token=" + token);
            assertThat(value(server, "bearer token:")).startsWith("from --token")
                    .contains("visible to every local user (ps): prefer $GAPLESS_MCP_TOKEN");
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(viewer))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Gapless viewer");
            Path lock = dataDir.resolveSibling("data.lock");
            // the JDK may cut a long command line short; either way the token is not in the file
            assertThat(Files.readString(lock)).contains("pid=" + server.pid()).doesNotContain(token);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock))).isEqualTo("rw-------");
        }
    }
}
