package dev.gapless.executor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.AppendOptions;
import dev.gapless.core.AppendResult;
import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.ConnectionUnavailableException;
import dev.gapless.core.FileInfo;
import dev.gapless.core.FileListing;
import dev.gapless.core.GaplessException;
import dev.gapless.core.IdempotencyKeyReusedException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.Outcome;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.VersionPrunedException;
import dev.gapless.core.VersionedFile;
import dev.gapless.core.WriteConflictException;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What each tool does, once its arguments are valid, and how a failure becomes a safe message. Thread-safe.
 */
public final class ToolHandlers {

    private final ArtifactStore store;
    private final String chatId;
    private final String type;
    private final String title;
    private volatile UUID artifactId;
    private final EditTools edits;
    private final LifecycleTools lifecycle;

    /**
     * @param store  the store
     * @param chatId the chat
     * @param type   the artifact type
     * @param title  the title of a newly created artifact
     */
    public ToolHandlers(ArtifactStore store, String chatId, String type, String title) {
        this.store = store;
        this.chatId = chatId;
        this.type = type;
        this.title = title;
        this.edits = new EditTools(store, this::artifact, this::write);
        this.lifecycle = new LifecycleTools(store, this::artifact);
    }

    /**
     * Runs a validated call.
     *
     * @param call      the call
     * @param arguments its arguments, valid against the tool's schema
     * @param timeLeft  the call's remaining budget, given to writes as their deadline
     * @return the result
     */
    public ToolResult handle(ToolCall call, JsonNode arguments, Duration timeLeft) {
        try {
            if (EditTools.NAMES.contains(call.name())) {
                return edits.handle(call, arguments, timeLeft);
            }
            if (LifecycleTools.NAMES.contains(call.name())) {
                return new ToolResult(call.id(), call.name(), false,
                        Json.write(lifecycle.handle(call, arguments, timeLeft)));
            }
            ObjectNode payload = switch (call.name()) {
                case "add_code_file" -> write(call, Change.put(file(arguments)), timeLeft)
                        .put("filename", arguments.path("filename").asText());
                case "add_code_files" -> addFiles(call, arguments, timeLeft);
                case "delete_code_file" -> write(call, Change.delete(arguments.path("filename").asText()), timeLeft)
                        .put("filename", arguments.path("filename").asText());
                case "get_code_file" -> getFile(arguments.path("filename").asText());
                case "list_code_files" -> listFiles();
                default -> throw new IllegalArgumentException("no handler for " + call.name());
            };
            return new ToolResult(call.id(), call.name(), false, Json.write(payload));
        } catch (NoSuchFile | EditTools.Refused e) {
            return error(call.id(), call.name(), e.getMessage());
        } catch (ArtifactNotFoundException e) {
            // the chat's artifact was deleted: this call fails, the next one starts a new artifact at version 1
            artifactId = null;
            return error(call.id(), call.name(), safeMessage(e));
        } catch (GaplessException e) {
            return error(call.id(), call.name(), safeMessage(e));
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

    /**
     * What the agent may be told about a failure: the cause in words, whether anything was written (as core's
     * {@link GaplessException#outcome()} says, never guessed here), what to do; never SQL, stack traces or server
     * internals.
     *
     * @param e the failure
     * @return the message
     */
    public static String safeMessage(GaplessException e) {
        String written = e.outcome() == Outcome.NOT_APPLIED ? "nothing was written."
                : "whether the change was applied is unknown. Retry with the same tool call id: it is never applied"
                + " twice.";
        if (e instanceof InvalidChangeException || e instanceof VersionConflictException) {
            return "rejected: " + e.getMessage() + "; " + written;
        } else if (e instanceof IdempotencyKeyReusedException reused) {
            return "rejected: the tool call id '" + reused.key() + "' was already used for a different call (version "
                    + reused.version() + "); " + written + " Use a new id for a new call.";
        } else if (e instanceof AppendTimeoutException t) {
            return "timed out after " + t.timeout().toMillis() + " ms; " + written
                    + (e.outcome() == Outcome.NOT_APPLIED ? " Retrying with the same tool call id is safe." : "");
        } else if (e instanceof ConnectionLostException) {
            return "the database connection was lost; " + written;
        } else if (e instanceof RetriesExhaustedException r) {
            return "gave up after " + r.attempts() + " attempts"
                    + (r.getCause() instanceof GaplessException cause ? " (last: " + firstClause(cause) + ")" : "")
                    + "; " + written;
        } else if (e instanceof WriteConflictException) {
            return "another write to the artifact won the race; " + written + " Retry the call.";
        } else if (e instanceof VersionPrunedException pruned) {
            return "version " + pruned.version() + " was pruned by the retention policy; the oldest version kept is "
                    + pruned.oldestKept() + "; " + written;
        } else if (e instanceof ArtifactNotFoundException) {
            return "the chat's artifact does not exist; " + written;
        } else if (e instanceof ConnectionUnavailableException) {
            return "no database connection was available (pool exhausted or database unreachable); " + written
                    + " Retrying later with the same tool call id is safe.";
        } else if (e instanceof StorageException s) {
            return "storage failure" + s.sqlState().map(state -> " (SQLSTATE " + state + ")").orElse("") + "; "
                    + written;
        }
        return "the call failed; " + written;
    }

    /** The cause of a failure in a few words, for inside another message. */
    private static String firstClause(GaplessException e) {
        if (e instanceof AppendTimeoutException t) {
            return "timed out after " + t.timeout().toMillis() + " ms";
        } else if (e instanceof WriteConflictException) {
            return "another write won the race";
        } else if (e instanceof ConnectionLostException) {
            return "the database connection was lost";
        } else if (e instanceof ConnectionUnavailableException) {
            return "no database connection was available";
        }
        return e.getClass().getSimpleName();
    }

    private UUID artifact() {
        UUID id = artifactId;
        if (id == null) {
            Artifact artifact = store.getOrCreate(chatId, type, title);
            id = artifact.id();
            artifactId = id;
        }
        return id;
    }

    private ObjectNode write(ToolCall call, Change change, Duration timeLeft) {
        AppendResult r = store.append(artifact(), change,
                AppendOptions.defaults().withIdempotencyKey(call.id()).withTimeout(timeLeft));
        return Json.MAPPER.createObjectNode()
                .put("status", "ok")
                .put("version", r.version())
                .put("summary", r.summary())
                .put("deduplicated", r.deduplicated());
    }

    private ObjectNode addFiles(ToolCall call, JsonNode arguments, Duration timeLeft) {
        List<Change> puts = new ArrayList<>();
        ArrayNode names = Json.MAPPER.createArrayNode();
        for (JsonNode file : arguments.path("files")) {
            puts.add(Change.put(file(file)));
            names.add(file.path("filename").asText());
        }
        ObjectNode out = write(call, Change.batch(puts), timeLeft);
        out.set("filenames", names);
        return out;
    }

    private static CodeFile file(JsonNode node) {
        return new CodeFile(node.path("filename").asText(), node.path("language").asText(""),
                node.path("content").asText(), node.path("description").asText(""));
    }

    private ObjectNode getFile(String filename) {
        UUID id = artifact();
        VersionedFile found = store.file(id, filename).orElseThrow(() -> new NoSuchFile("no file named '"
                + filename + "' in the latest version (" + store.files(id).version() + ") of the artifact."));
        CodeFile file = found.file();
        return Json.MAPPER.createObjectNode()
                .put("filename", file.filename())
                .put("language", file.language())
                .put("description", file.description())
                .put("version", found.version())
                .put("content", file.content());
    }

    private ObjectNode listFiles() {
        FileListing listing = store.files(artifact());
        ObjectNode out = Json.MAPPER.createObjectNode().put("version", listing.version());
        ArrayNode files = out.putArray("files");
        for (FileInfo f : listing.files()) {
            files.addObject()
                    .put("filename", f.filename())
                    .put("language", f.language())
                    .put("description", f.description())
                    .put("bytes", f.bytes());
        }
        return out;
    }

    /** A read asked for a file that is not there: an error result, not a failure of the store. */
    private static final class NoSuchFile extends RuntimeException {
        NoSuchFile(String message) {
            super(message, null, false, false);
        }
    }
}
