package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.testkit.PostgresExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The viewer's page, JSON API and event stream, through plain HTTP as a browser or a script would use them. */
class ViewerServerTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(24);

    private static final String TOKEN = "viewer-token-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static ArtifactStore store;
    private static ViewerServer server;

    @BeforeAll
    static void start() throws Exception {
        store = ArtifactStore.create(PG.dataSource());
        server = ViewerServer.start(store, "127.0.0.1", 0, TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = get("/viewer/api/" + path, TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    @Test
    void thePageIsServedWithoutATokenWithAStrictPolicyAndTheApiNeedsOne() throws Exception {
        HttpResponse<String> page = get("/viewer/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"viewer.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").contains("default-src 'none'"));
        assertThat(get("/viewer/viewer.js", null).body()).contains("textContent").doesNotContain("innerHTML =");
        assertThat(get("/", null).headers().firstValue("Location")).contains("/viewer/");
        assertThat(get("/viewer", null).headers().firstValue("Location")).contains("/viewer/");
        HttpResponse<String> refused = get("/viewer/api/chats", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("missing bearer token");
        assertThat(get("/viewer/api/chats", "wrong-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(server.url(TOKEN).toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/viewer/#token="
                + TOKEN);
    }

    @Test
    void theApiShowsChatsArtifactsVersionsFilesContentAndDiffs() throws Exception {
        String chat = "viewer <b>chat</b> " + UUID.randomUUID();
        Artifact a = store.getOrCreate(chat, "code", "<script>alert(1)</script>");
        store.append(a.id(), Change.put(new CodeFile("<img src=x onerror=alert(1)>.c", "c", "a\nb\nc\n", "d")));
        store.append(a.id(), Change.batch(List.of(Change.put(CodeFile.of("<img src=x onerror=alert(1)>.c",
                "a\nB\nc\n")), Change.put(CodeFile.of("new.txt", "n")))),
                dev.gapless.core.AppendOptions.defaults().withIdempotencyKey("call_7"));
        assertThat(api("chats").path("chats").toString()).contains(JSON.writeValueAsString(chat));
        JsonNode artifacts = api("artifacts?chat=" + URLEncoder.encode(chat, StandardCharsets.UTF_8));
        assertThat(artifacts.path("artifacts").get(0).path("id").asText()).isEqualTo(a.id().toString());
        assertThat(artifacts.path("artifacts").get(0).path("title").asText()).isEqualTo("<script>alert(1)</script>");

        JsonNode artifact = api("artifacts/" + a.id());
        assertThat(artifact.path("versions")).hasSize(2);
        assertThat(artifact.path("versions").get(1).path("idempotencyKey").asText()).isEqualTo("call_7");
        assertThat(artifact.path("versions").get(1).path("createdAt").asText()).endsWith("Z");

        JsonNode files = api("artifacts/" + a.id() + "/versions/2");
        assertThat(files.path("files")).extracting(f -> f.path("filename").asText())
                .containsExactly("<img src=x onerror=alert(1)>.c", "new.txt");
        JsonNode file = api("artifacts/" + a.id() + "/versions/1/file?name="
                + URLEncoder.encode("<img src=x onerror=alert(1)>.c", StandardCharsets.UTF_8));
        assertThat(file.path("content").asText()).isEqualTo("a\nb\nc\n");

        JsonNode diff = api("artifacts/" + a.id() + "/versions/2/diff");
        assertThat(diff.path("files")).extracting(f -> f.path("filename").asText() + ":" + f.path("status").asText())
                .containsExactly("<img src=x onerror=alert(1)>.c:changed", "new.txt:added");
        List<String> lines = new ArrayList<>();
        diff.path("files").get(0).path("lines").forEach(l -> lines.add(l.path("op").asText() + l.path("text").asText()));
        assertThat(lines).containsExactly(" a", "-b", "+B", " c");

        assertThat(get("/viewer/api/artifacts/" + a.id() + "/versions/3", TOKEN).statusCode()).isEqualTo(404);
        HttpResponse<String> huge = get("/viewer/api/artifacts/" + a.id() + "/versions/99999999999", TOKEN);
        assertThat(huge.statusCode()).isEqualTo(404);
        assertThat(huge.body()).startsWith("{\"error\"").doesNotContain("Exception");
        assertThat(get("/viewer/api/artifacts/" + UUID.randomUUID(), TOKEN).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = get("/viewer/api/artifacts", TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("name the chat").doesNotContain("Exception");
    }

    @Test
    void theEventStreamResumesAfterLastEventIdAndGoesOnLive() throws Exception {
        Artifact a = store.getOrCreate("viewer-sse-" + UUID.randomUUID(), "code", "t");
        for (int i = 1; i <= 3; i++) {
            store.append(a.id(), Change.put(CodeFile.of("f" + i + ".txt", "x")));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/viewer/api/artifacts/" + a.id() + "/events"))
                .header("Authorization", "Bearer " + TOKEN).header("Last-Event-ID", "1").build();
        HttpResponse<java.io.InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("text/event-stream"));
        List<String> ids = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("id: ")) {
                    ids.add(line.substring(4));
                    if (ids.size() == 2) {
                        store.append(a.id(), Change.put(CodeFile.of("live.txt", "x")));
                    }
                    if (ids.size() == 3) {
                        break;
                    }
                }
                if (line.startsWith("data: ") && ids.size() == 1) {
                    JsonNode data = JSON.readTree(line.substring(6));
                    assertThat(data.path("version").asInt()).isEqualTo(2);
                    assertThat(data.path("summary").asText()).isEqualTo("Added f2.txt");
                }
            }
        }
        assertThat(ids).containsExactly("2", "3", "4");
        HttpResponse<String> bad = get("/viewer/api/artifacts/" + a.id() + "/events?after=x", TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("must be a version number");
    }

    @Test
    void aChatScopedTokenSeesOnlyItsChatsInTheViewerMountedInMcpHttp(@org.junit.jupiter.api.io.TempDir
                                                                     java.nio.file.Path dir) throws Exception {
        Artifact mine = store.getOrCreate("team-a-" + UUID.randomUUID(), "code", "t");
        Artifact theirs = store.getOrCreate("team-b-" + UUID.randomUUID(), "code", "t");
        store.append(theirs.id(), Change.put(CodeFile.of("secret.txt", "secret")));
        String scoped = "scoped-viewer-" + UUID.randomUUID();
        java.nio.file.Path tokens = dir.resolve("tokens");
        java.nio.file.Files.writeString(tokens, scoped + " team-a-*\n");
        java.nio.file.Files.setPosixFilePermissions(tokens,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (ToolExecutor executor = ToolExecutor.builder(store).build();
             McpHttpServer mcp = McpHttpServer.builder(executor, "test").tokenFile(tokens).viewer(true).start()) {
            String base = "http://127.0.0.1:" + mcp.port() + "/viewer/";
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            HttpResponse<String> chats = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/chats"))
                    .header("Authorization", "Bearer " + scoped).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chats.body()).contains(mine.chatId()).doesNotContain(theirs.chatId());
            HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/artifacts/"
                    + theirs.id() + "/versions/1/file?name=secret.txt")).header("Authorization", "Bearer " + scoped)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(other.body()).doesNotContain("secret\"");
            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/artifacts?chat="
                    + theirs.chatId())).header("Authorization", "Bearer " + scoped).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(403);
            HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/chats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
        }
    }
}
