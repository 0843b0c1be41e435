package dev.gapless.mcp;

import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.FeedEvent;
import dev.gapless.core.FeedSubscription;
import dev.gapless.core.FileInfo;
import dev.gapless.core.GaplessException;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.json.Json;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chats' code files as MCP resources, {@code gapless://chat/<chat>/code/<file>} (each part percent-encoded,
 * {@link ResourceUri}): {@code resources/read} of any file of a chat the client may use (its HTTP token's scope),
 * {@code resources/list} of the default chat's files (stdio with {@code --chat}), a resource template for the others,
 * and {@code notifications/resources/updated} to the sessions subscribed to a file when a version that touches it
 * lands, fed by the store's change feed, which follows the default chat and each chat a client subscribed to a file
 * of (never every chat: that would read every artifact's head on each poll). A change of the default chat's file list also sends
 * {@code notifications/resources/list_changed}. Thread-safe.
 */
final class McpResources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(McpResources.class);

    private final ArtifactStore store;
    private final Optional<String> defaultChat;
    private final Set<String> listed = ConcurrentHashMap.newKeySet();
    /** The chats followed: the default chat, and each chat a client subscribed to a file of. */
    private final Map<String, FeedSubscription> followed = new ConcurrentHashMap<>();
    private volatile McpSyncServer server;
    private volatile boolean closed;

    McpResources(ToolExecutor executor) {
        this.store = executor.store();
        this.defaultChat = executor.defaultChat();
    }

    /** The server's resource capability: subscriptions and list changes. */
    static McpSchema.ServerCapabilities capabilities() {
        return McpSchema.ServerCapabilities.builder().tools(false).resources(true, true).build();
    }

    /** The template of every chat's files. */
    List<McpServerFeatures.SyncResourceTemplateSpecification> templates() {
        McpSchema.ResourceTemplate template = McpSchema.ResourceTemplate.builder()
                .uriTemplate(ResourceUri.TEMPLATE).name("code file")
                .description("a file of a chat's code artifact, at its latest version; chat and file percent-encoded")
                .mimeType("text/plain").build();
        return List.of(new McpServerFeatures.SyncResourceTemplateSpecification(template, this::read));
    }

    /** The default chat's files now, for resources/list. */
    List<McpServerFeatures.SyncResourceSpecification> initial() {
        List<McpServerFeatures.SyncResourceSpecification> out = new ArrayList<>();
        defaultChat.flatMap(chat -> store.find(chat, ToolExecutor.ARTIFACT_TYPE)).ifPresent(a -> {
            for (FileInfo f : store.files(a.id()).files()) {
                out.add(spec(a.chatId(), f));
                listed.add(f.filename());
            }
        });
        return out;
    }

    /** Starts following the default chat's feed from now on, if there is a default chat. */
    void attach(McpSyncServer server) {
        this.server = server;
        defaultChat.ifPresent(this::follow);
    }

    /**
     * Told of each message a transport lets through to the SDK (after its checks): a {@code resources/subscribe}
     * makes the feed follow that file's chat, so that its updates are sent. Only chats someone subscribed to are
     * followed, at most {@value #MAX_FOLLOWED}; each costs a read of its artifacts' heads per poll.
     */
    void observe(String method, String text) {
        if (!McpSchema.METHOD_RESOURCES_SUBSCRIBE.equals(method)) {
            return;
        }
        try {
            ResourceUri.parse(Json.MAPPER.readTree(text).path("params").path("uri").textValue())
                    .ifPresent(uri -> follow(uri.chat()));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("not following the chat of a subscription (its updates are not sent): {}", e.toString());
        }
    }

    /** The most chats followed at once. */
    static final int MAX_FOLLOWED = 10_000;

    private void follow(String chat) {
        if (closed || followed.containsKey(chat)) {
            return;
        }
        if (followed.size() >= MAX_FOLLOWED) {
            LOG.warn("MCP resources follow {} chats already; updates of chat '{}' are not sent", MAX_FOLLOWED, chat);
            return;
        }
        followed.computeIfAbsent(chat, c -> store.feed().subscribeChat(c, store.feed().position(c), this::onVersion));
        if (closed) {
            close();
        }
    }

    private McpServerFeatures.SyncResourceSpecification spec(String chat, FileInfo f) {
        McpSchema.Resource resource = McpSchema.Resource.builder().uri(ResourceUri.of(chat, f.filename()))
                .name(f.filename()).description(f.description().isEmpty() ? null : f.description())
                .mimeType("text/plain").size(f.bytes()).build();
        return new McpServerFeatures.SyncResourceSpecification(resource, this::read);
    }

    private McpSchema.ReadResourceResult read(McpSyncServerExchange exchange, McpSchema.ReadResourceRequest request) {
        ResourceUri uri = ResourceUri.parse(request.uri()).orElseThrow(() -> error(McpSchema.ErrorCodes.INVALID_PARAMS,
                "not a Gapless resource: expected " + ResourceUri.TEMPLATE + " with each part percent-encoded"));
        Object scope = exchange.transportContext() == null ? null : exchange.transportContext().get(McpTools.SCOPE);
        if (scope instanceof ChatScope chats && !chats.allows(uri.chat())) {
            throw error(McpSchema.ErrorCodes.INVALID_PARAMS, "this bearer token may not use chat '" + uri.chat()
                    + "'; nothing was read.");
        }
        try {
            Artifact artifact = store.find(uri.chat(), ToolExecutor.ARTIFACT_TYPE).orElseThrow(() ->
                    error(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND, "chat '" + uri.chat() + "' has no code artifact"));
            return store.file(artifact.id(), uri.filename())
                    .map(f -> new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(
                            request.uri(), "text/plain", f.file().content()))))
                    .orElseThrow(() -> error(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND, "no file '" + uri.filename()
                            + "' in the latest version of chat '" + uri.chat() + "'"));
        } catch (GaplessException e) {
            throw error(McpSchema.ErrorCodes.INTERNAL_ERROR, "reading the file failed: " + e.getMessage());
        }
    }

    private void onVersion(FeedEvent event) {
        McpSyncServer s = server;
        if (s == null || !ToolExecutor.ARTIFACT_TYPE.equals(event.type())) {
            return;
        }
        try {
            Set<String> touched = new LinkedHashSet<>();
            store.version(event.artifactId(), event.version()).ifPresent(v -> filenames(v.change(), touched));
            for (String name : touched) {
                s.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(
                        ResourceUri.of(event.chatId(), name)));
            }
            if (defaultChat.isPresent() && defaultChat.get().equals(event.chatId())) {
                relist(s, event);
            }
        } catch (RuntimeException e) {
            LOG.warn("MCP resource notification for version {} of {} failed: {}", event.version(),
                    event.artifactId(), e.toString());
        }
    }

    private void relist(McpSyncServer s, FeedEvent event) {
        Set<String> now = new LinkedHashSet<>();
        boolean changed = false;
        for (FileInfo f : store.files(event.artifactId()).files()) {
            now.add(f.filename());
            if (listed.add(f.filename())) {
                s.addResource(spec(event.chatId(), f));
                changed = true;
            }
        }
        for (String gone : Set.copyOf(listed)) {
            if (!now.contains(gone)) {
                listed.remove(gone);
                s.removeResource(ResourceUri.of(event.chatId(), gone));
                changed = true;
            }
        }
        if (changed) {
            s.notifyResourcesListChanged();
        }
    }

    /**
     * Why a {@code resources/subscribe} may not go to the SDK (which records any URI): the URI is not a Gapless
     * resource, or names a chat outside the token's scope.
     *
     * @param method the message's method
     * @param text   the message
     * @param scope  the token's {@link ChatScope}, or null for every chat
     * @return the error message, or null to let it through
     */
    static String refusedSubscription(String method, String text, Object scope) {
        if (!McpSchema.METHOD_RESOURCES_SUBSCRIBE.equals(method)) {
            return null;
        }
        try {
            String uri = Json.MAPPER.readTree(text).path("params").path("uri").textValue();
            Optional<ResourceUri> parsed = ResourceUri.parse(uri);
            if (parsed.isEmpty()) {
                return "Invalid params: not a Gapless resource: expected " + ResourceUri.TEMPLATE
                        + " with each part percent-encoded";
            }
            if (scope instanceof ChatScope chats && !chats.allows(parsed.get().chat())) {
                return "Invalid params: this bearer token may not use chat '" + parsed.get().chat() + "'";
            }
            return null;
        } catch (java.io.IOException e) {
            return "Invalid params: the message is not JSON";
        }
    }

    /** The files a change writes or deletes. */
    static void filenames(Change change, Set<String> into) {
        if (change instanceof Change.PutFile p) {
            into.add(p.file().filename());
        } else if (change instanceof Change.DeleteFile d) {
            into.add(d.filename());
        } else if (change instanceof Change.CreateFile c) {
            into.add(c.file().filename());
        } else if (change instanceof Change.EditFile e) {
            into.add(e.filename());
        } else if (change instanceof Change.InsertText i) {
            into.add(i.filename());
        } else if (change instanceof Change.Patch p) {
            into.addAll(p.paths());
        } else if (change instanceof Change.Batch b) {
            b.changes().forEach(c -> filenames(c, into));
        }
    }

    private static McpError error(int code, String message) {
        return McpError.builder(code).message(message).build();
    }

    @Override
    public void close() {
        closed = true;
        followed.values().forEach(FeedSubscription::close);
    }
}
