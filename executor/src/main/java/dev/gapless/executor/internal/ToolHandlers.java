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
import dev.gapless.core.ConfigurationException;
import dev.gapless.core.CodeFile;
import dev.gapless.core.ConnectionLostException;
import dev.gapless.core.ConnectionUnavailableException;
import dev.gapless.core.FileInfo;
import dev.gapless.core.FileListing;
import dev.gapless.core.FileViews;
import dev.gapless.core.GaplessException;
import dev.gapless.core.IdempotencyKeyReusedException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.MergeConflictException;
import dev.gapless.core.Outcome;
import dev.gapless.core.RetriesExhaustedException;
import dev.gapless.core.StorageException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.VersionPrunedException;
import dev.gapless.core.VersionedFile;
import dev.gapless.core.WriteConflictException;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each tool does, once its arguments are valid, and how a failure becomes a safe message. Thread-safe.
 */
public final class ToolHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(ToolHandlers.class);

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
        this.edits = new EditTools(store, this::artifact, this::write, new EditTools.Views() {
            @Override
            public void saw(Turn turn, Map<String, Integer> versions) {
                ToolHandlers.this.saw(turn, versions);
            }

            @Override
            public void ownWrites(Turn turn, Map<String, Turn.OwnView> views) {
                ToolHandlers.this.ownWrites(turn, views);
            }
        });
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
    public ToolResult handle(ToolCall call, JsonNode arguments, Duration timeLeft, Turn turn) {
        try {
            if (EditTools.NAMES.contains(call.name())) {
                return edits.handle(call, arguments, timeLeft, turn);
            }
            if (LifecycleTools.NAMES.contains(call.name())) {
                return new ToolResult(call.id(), call.name(), false,
                        Json.write(lifecycle.handle(call, arguments, timeLeft, turn)));
            }
            ObjectNode payload = switch (call.name()) {
                case "add_code_file" -> addFiles(call, List.of(arguments), timeLeft, turn)
                        .put("filename", arguments.path("filename").asText());
                case "add_code_files" -> addFiles(call, arguments.path("files"), timeLeft, turn);
                case "delete_code_file" -> delete(call, arguments.path("filename").asText(), timeLeft, turn);
                case "get_code_file" -> getFile(arguments.path("filename").asText(), turn);
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
        String written = Wording.written(e.outcome());
        if (e instanceof MergeConflictException conflict) {
            return WriteReport.conflict(conflict);
        } else if (e instanceof InvalidChangeException || e instanceof VersionConflictException) {
            return "rejected: " + e.getMessage() + "; " + written;
        } else if (e instanceof IdempotencyKeyReusedException reused) {
            return "rejected: the tool call id '" + reused.key() + "' was already used for a different call ("
                    + (reused.version() > 0 ? "version " + reused.version() : "which was rejected") + "); " + written
                    + " Use a new id for a new call.";
        } else if (e instanceof AppendTimeoutException t) {
            return "timed out after " + t.timeout().toMillis() + " ms; " + written
                    + (e.outcome() == Outcome.NOT_APPLIED ? Wording.RETRY_IS_SAFE : "");
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
        } else if (e instanceof ConfigurationException c) {
            return "the store's database configuration is wrong (" + c.problem().name().toLowerCase(Locale.ROOT)
                    .replace('_', ' ') + c.sqlState().map(state -> ", SQLSTATE " + state).orElse("") + "); "
                    + written + " Retrying will not help until the store is reconfigured.";
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

    private AppendResult append(ToolCall call, Change change, Duration timeLeft) {
        return store.append(artifact(), change,
                AppendOptions.defaults().withIdempotencyKey(call.id()).withTimeout(timeLeft));
    }

    private ObjectNode write(ToolCall call, Change change, Duration timeLeft) {
        return WriteReport.payload(append(call, change, timeLeft));
    }

    private ObjectNode delete(ToolCall call, String filename, Duration timeLeft, Turn turn) {
        AppendResult r = append(call, Change.delete(filename), timeLeft);
        if (!r.deduplicated() && turn.wholeResponse()) {
            saw(turn, Map.of(filename, r.version())); // the next response knows the file is gone
        }
        return WriteReport.payload(r).put("filename", filename);
    }

    /**
     * Writes files whole, each based on the version its writer saw: {@code base_version} when the call gives it, else
     * what the response was made from ({@link Turn}). A file that changed since its base is merged by the store.
     */
    private ObjectNode addFiles(ToolCall call, Iterable<JsonNode> files, Duration timeLeft, Turn turn) {
        List<Change> puts = new ArrayList<>();
        Map<String, Integer> bases = new LinkedHashMap<>();
        ArrayNode names = Json.MAPPER.createArrayNode();
        for (JsonNode file : files) {
            String name = file.path("filename").asText();
            JsonNode stated = file.path("base_version");
            if (file.has("base_version") && !stated.canConvertToInt()) {
                throw new EditTools.Refused("invalid arguments for " + call.name() + ": base_version is " + stated
                        + ", past any version; give the version the content is based on; nothing was written.");
            }
            int base = file.has("base_version") ? stated.intValue() : turn.baseFor(name);
            puts.add(Change.put(file(file), base));
            bases.put(name, base);
            names.add(name);
        }
        // add_code_files stays a batch even of one file, so that a replay of a call made before keeps its digest
        AppendResult r = append(call, call.name().equals("add_code_file") ? puts.get(0) : Change.batch(puts),
                timeLeft);
        if (!r.deduplicated()) {
            Set<String> merged = new HashSet<>();
            r.merges().forEach(m -> merged.add(m.filename()));
            Set<String> added = new HashSet<>(List.of(r.summary().split("; ")));
            Map<String, Turn.OwnView> views = new HashMap<>();
            bases.forEach((name, base) -> {
                String stored = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC); // as stored
                views.put(name, turn.afterOwnWrite(base, r.version(), !r.unchanged()
                        && added.contains("Added " + stored), merged.contains(stored)));
            });
            ownWrites(turn, views);
        }
        ObjectNode out = WriteReport.payload(r);
        if (call.name().equals("add_code_files")) {
            out.set("filenames", names);
        }
        return out;
    }

    private static CodeFile file(JsonNode node) {
        return new CodeFile(node.path("filename").asText(), node.path("language").asText(""),
                node.path("content").asText(), node.path("description").asText(""));
    }

    private ObjectNode getFile(String filename, Turn turn) {
        UUID id = artifact();
        VersionedFile found = store.file(id, filename).orElse(null);
        if (found == null) {
            int version = store.files(id).version();
            saw(turn, Map.of(filename, version)); // absence seen: a whole-file write of it from here adds it
            throw new NoSuchFile("no file named '" + filename + "' in the latest version (" + version
                    + ") of the artifact.");
        }
        saw(turn, Map.of(filename, found.version()));
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
