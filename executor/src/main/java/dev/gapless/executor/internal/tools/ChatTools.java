package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.AppendResult;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.FileViews;
import dev.gapless.core.GaplessException;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.Wording;
import dev.gapless.executor.json.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat's tools: its artifact (created at its first use), what its readers last saw of its files, and each
 * valid call run by its {@link Tool} from the {@link ToolRegistry}, a failure worded by {@link Wording}. What a tool
 * needs of the chat is here, so that the tools keep no state. Thread-safe.
 */
public final class ChatTools {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTools.class);

    private final ArtifactStore store;
    private final String chatId;
    private final String type;
    private final String title;
    private final ToolRegistry registry = ToolRegistry.standard();
    private volatile UUID artifactId;

    /**
     * Creates the tools of a chat; nothing is read or written until a call runs.
     *
     * @param store  the store
     * @param chatId the chat
     * @param type   the artifact type
     * @param title  the title of a newly created artifact
     */
    public ChatTools(ArtifactStore store, String chatId, String type, String title) {
        this.store = store;
        this.chatId = chatId;
        this.type = type;
        this.title = title;
    }

    /**
     * Runs a validated call.
     *
     * @param call      the call, of a tool in the registry
     * @param arguments its arguments, valid against the tool's schema
     * @param timeLeft  the call's remaining budget, given to writes as their deadline
     * @param turn      the view the call's response was made from
     * @return the result; a refused call or a failure of the store is an error result saying what was written
     * @throws IllegalArgumentException if no tool has the call's name
     */
    public ToolResult handle(ToolCall call, JsonNode arguments, Duration timeLeft, Turn turn) {
        Tool tool = registry.tool(call.name());
        try {
            return tool.run(this, call, arguments, timeLeft, turn);
        } catch (Refused e) {
            return error(call.id(), call.name(), e.getMessage());
        } catch (ArtifactNotFoundException e) {
            // the chat's artifact was deleted: this call fails, the next one starts a new artifact at version 1
            artifactId = null;
            return error(call.id(), call.name(), Wording.of(e));
        } catch (GaplessException e) {
            return error(call.id(), call.name(), Wording.of(e));
        }
    }

    /**
     * An error result whose content is {@code {"error": message}}.
     *
     * @param id      the call id
     * @param name    the tool name
     * @param message the safe message
     * @return the result
     */
    public static ToolResult error(String id, String name, String message) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("error", message);
        return new ToolResult(id, name, true, Json.write(node));
    }

    /** {@return the store} */
    ArtifactStore store() {
        return store;
    }

    /** {@return the chat's artifact, created at its first use} */
    UUID artifact() {
        UUID id = artifactId;
        if (id == null) {
            Artifact artifact = store.getOrCreate(chatId, type, title);
            id = artifact.id();
            artifactId = id;
        }
        return id;
    }

    /** The chat's head and what {@code viewer} last saw of its files. */
    FileViews.Seen seen(String viewer) {
        return store.views().seen(artifact(), viewer);
    }

    /**
     * Records what the reader has now seen of files. Views are advice for later writes' bases: a failure to record
     * one is logged, and the call's result (already true) stands.
     */
    void saw(Turn turn, Map<String, Integer> versions) {
        record(turn, versions, false);
    }

    private void record(Turn turn, Map<String, Integer> versions, boolean onlyIfUnseen) {
        if (versions.isEmpty()) {
            return;
        }
        try {
            if (onlyIfUnseen) {
                store.views().sawIfUnseen(artifact(), turn.viewer(), versions);
            } else {
                store.views().saw(artifact(), turn.viewer(), versions);
            }
        } catch (GaplessException | IllegalArgumentException e) {
            LOG.warn("could not record what the reader saw of {}: {}", versions.keySet(), e.toString());
        }
    }

    /** Records what the reader is taken to have seen after writing files itself ({@link Turn#afterOwnWrite}). */
    void ownWrites(Turn turn, Map<String, Turn.OwnView> views) {
        Map<String, Integer> always = new HashMap<>();
        Map<String, Integer> unseen = new HashMap<>();
        views.forEach((name, view) -> (view.onlyIfUnseen() ? unseen : always).put(name, view.version()));
        record(turn, always, false);
        record(turn, unseen, true);
    }

    /**
     * The artifact's head version.
     *
     * @throws ArtifactNotFoundException if it was deleted
     */
    int head(UUID id) {
        return store.find(id).orElseThrow(() -> new ArtifactNotFoundException(id)).headVersion();
    }

    /** Appends a change keyed by the call, within the time left. */
    AppendResult append(ToolCall call, Change change, Duration timeLeft) {
        return store.append(artifact(), change,
                AppendOptions.defaults().withIdempotencyKey(call.id()).withTimeout(timeLeft));
    }

    /** Appends a change keyed by the call; returns the payload of the successful write. */
    ObjectNode write(ToolCall call, Change change, Duration timeLeft) {
        return WriteReport.payload(append(call, change, timeLeft));
    }
}
