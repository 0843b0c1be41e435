package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.testkit.PostgresExtension;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ConnectException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Closing a server while a request is still running. */
class McpHttpServerCloseTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(8);

    private static final String TOKEN = "close-token-" + UUID.randomUUID();

    /**
     * Regression: close() threw Jetty's TimeoutException when a request (here a tool call waiting for a lock; on CI
     * a client's stream) outlived the five seconds it is given, although the server had stopped.
     */
    @Test
    void closeStopsTheServerWithoutFailingWhenARequestOutlivesTheGracePeriod() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "close-" + UUID.randomUUID();
        Artifact a = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "t");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ToolExecutor executor = ToolExecutor.builder(store, chat).build();
             Connection holder = PG.dataSource().getConnection()) {
            McpHttpServer server = McpHttpServer.builder(executor, "test").token(TOKEN).start();
            int port = server.port();
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT 1 FROM artifacts WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, a.id());
                lock.executeQuery().close();
            }
            McpSyncClient client = client(port);
            client.initialize();
            pool.submit(() -> client.callTool(McpSchema.CallToolRequest.builder().name("add_code_file")
                    .arguments(Map.of("filename", "a.txt", "language", "text", "content", "x"))
                    .meta(Map.of("tool_call_id", "c1")).build()));
            awaitWaitingForALock(holder);
            assertThatCode(server::close).doesNotThrowAnyException();
            holder.rollback();
            client.closeGracefully();
            assertThat(refused(port)).as("the port is closed").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitWaitingForALock(Connection c) throws Exception {
        for (int tries = 0; tries < 600; tries++) {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND datname = current_database()");
                 ResultSet rows = s.executeQuery()) {
                rows.next();
                if (rows.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the tool call never waited for the lock");
    }

    private static boolean refused(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static McpSyncClient client(int port) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + port).endpoint(McpHttpServer.ENDPOINT)
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + TOKEN))
                .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper())).build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60)).build();
    }
}
