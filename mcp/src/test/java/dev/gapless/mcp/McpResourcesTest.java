package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.testkit.PostgresExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The chats' code files as MCP resources, read and followed through the MCP Java SDK's own client over HTTP. */
class McpResourcesTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(24);

    private static final String TOKEN = "resources-token-" + UUID.randomUUID();

    private static McpSyncClient client(McpHttpServer server, String token, Consumer<List<McpSchema.ResourceContents>>
            updates, Consumer<List<McpSchema.Resource>> lists) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + server.port()).endpoint(McpHttpServer.ENDPOINT)
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + token))
                .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper())).build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60)).resourcesUpdateConsumer(updates)
                .resourcesChangeConsumer(lists).build();
    }

    private static String text(McpSchema.ReadResourceResult result) {
        return ((McpSchema.TextResourceContents) result.contents().get(0)).text();
    }

    @Test
    void aSubscribedFileIsNotifiedWhenAVersionTouchingItLandsAndReadsItsNewContent() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "res chat/" + UUID.randomUUID(); // a space and a slash, percent-encoded in the URI
        Artifact a = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "t");
        store.append(a.id(), Change.put(CodeFile.of("src/main.cpp", "int main() {}")));
        store.append(a.id(), Change.put(CodeFile.of("notes.md", "n")));
        BlockingQueue<String> updated = new LinkedBlockingQueue<>();
        try (ToolExecutor executor = ToolExecutor.builder(store).build();
             McpHttpServer server = McpHttpServer.builder(executor, "test").token(TOKEN).start();
             McpSyncClient client = client(server, TOKEN, contents -> contents.forEach(c -> updated.add(c.uri())),
                     l -> { })) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.capabilities().resources().subscribe()).isTrue();
            assertThat(client.listResourceTemplates().resourceTemplates())
                    .extracting(McpSchema.ResourceTemplate::uriTemplate).containsExactly(ResourceUri.TEMPLATE);
            String main = ResourceUri.of(chat, "src/main.cpp");
            assertThat(main).startsWith("gapless://chat/res%20chat%2F").endsWith("/code/src%2Fmain.cpp");
            assertThat(text(client.readResource(new McpSchema.ReadResourceRequest(main)))).isEqualTo("int main() {}");

            client.subscribeResource(new McpSchema.SubscribeRequest(main));
            store.append(a.id(), Change.put(CodeFile.of("notes.md", "only notes"))); // not main.cpp
            store.append(a.id(), Change.put(CodeFile.of("src/main.cpp", "int main() { return 1; }")));
            String first = updated.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("the update for main.cpp, and none for the unsubscribed notes.md").isEqualTo(main);
            assertThat(text(client.readResource(new McpSchema.ReadResourceRequest(main))))
                    .isEqualTo("int main() { return 1; }");
            client.unsubscribeResource(new McpSchema.UnsubscribeRequest(main));
        }
    }

    @Test
    void theDefaultChatsFilesAreListedAndTheListFollowsNewFiles() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "res-default-" + UUID.randomUUID();
        Artifact a = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "t");
        store.append(a.id(), Change.put(new CodeFile("a.txt", "text", "aaa", "first file")));
        BlockingQueue<List<McpSchema.Resource>> lists = new LinkedBlockingQueue<>();
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build();
             McpHttpServer server = McpHttpServer.builder(executor, "test").token(TOKEN).start();
             McpSyncClient client = client(server, TOKEN, u -> { }, lists::add)) {
            client.initialize();
            List<McpSchema.Resource> listed = client.listResources().resources();
            assertThat(listed).extracting(McpSchema.Resource::uri).containsExactly(ResourceUri.of(chat, "a.txt"));
            assertThat(listed.get(0).description()).isEqualTo("first file");
            assertThat(listed.get(0).size()).isEqualTo(3L);
            store.append(a.id(), Change.put(CodeFile.of("b.txt", "b")));
            List<McpSchema.Resource> changed = lists.poll(30, TimeUnit.SECONDS);
            assertThat(changed).isNotNull();
            assertThat(changed).extracting(McpSchema.Resource::uri)
                    .containsExactlyInAnyOrder(ResourceUri.of(chat, "a.txt"), ResourceUri.of(chat, "b.txt"));
        }
    }

    @Test
    void badOrForbiddenResourceUrisAreRefusedWithTheirReasonAndNoStackTrace(@TempDir Path dir) throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "team-a-" + UUID.randomUUID();
        Artifact a = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "t");
        store.append(a.id(), Change.put(CodeFile.of("x.txt", "secret")));
        String scoped = "scoped-token-" + UUID.randomUUID();
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, scoped + " team-b-*\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        try (ToolExecutor executor = ToolExecutor.builder(store).build();
             McpHttpServer server = McpHttpServer.builder(executor, "test").tokenFile(tokens).start();
             McpSyncClient client = client(server, scoped, u -> { }, l -> { })) {
            client.initialize();
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest(
                    ResourceUri.of(chat, "x.txt")))).isInstanceOf(McpError.class)
                    .hasMessageContaining("may not use chat '" + chat + "'").hasMessageNotContaining("secret")
                    .hasMessageNotContaining("Exception");
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest(
                    ResourceUri.of("team-b-none", "x.txt")))).isInstanceOf(McpError.class)
                    .hasMessageContaining("chat 'team-b-none' has no code artifact");
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest(
                    "gapless://chat/team-b-x/code/%zz"))).isInstanceOf(McpError.class)
                    .hasMessageNotContaining("Exception");
            assertThatThrownBy(() -> client.subscribeResource(new McpSchema.SubscribeRequest(
                    ResourceUri.of(chat, "x.txt")))).isInstanceOf(McpError.class)
                    .hasMessageContaining("may not use chat '" + chat + "'");
            assertThatThrownBy(() -> client.subscribeResource(new McpSchema.SubscribeRequest("file:///etc/passwd")))
                    .isInstanceOf(McpError.class).hasMessageContaining("not a Gapless resource");
            client.subscribeResource(new McpSchema.SubscribeRequest(ResourceUri.of("team-b-1", "x.txt")));
        }
    }

    @Test
    void uriPartsRoundTripThroughPercentEncoding() {
        for (String name : List.of("a b.txt", "dir/ü+1.md", "100%.c", "?#&=.h")) {
            assertThat(ResourceUri.parse(ResourceUri.of("chat ?/x", name)))
                    .contains(new ResourceUri("chat ?/x", name));
        }
        assertThat(ResourceUri.parse("gapless://chat/a/code/b/c")).isEmpty();
        assertThat(ResourceUri.parse("gapless://chat/a/code/b+c")).isEmpty();
        assertThat(ResourceUri.parse("file:///etc/passwd")).isEmpty();
    }
}
