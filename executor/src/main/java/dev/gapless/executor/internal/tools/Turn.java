package dev.gapless.executor.internal.tools;

import dev.gapless.core.FileViews;
import dev.gapless.core.GaplessException;
import dev.gapless.executor.ToolCall;
import java.util.List;

/**
 * The view one model response's calls were made from. All calls of a response were produced from the same view, so
 * they share one base: the artifact as the response's calls arrived, or older where the reader last saw an older
 * version of a file (its reads, its own whole-file writes; kept in PostgreSQL by core's {@link FileViews}). Read once,
 * when the calls arrive and before any of them runs, so that a call that runs after another call of the same response
 * has landed is still based on what the model saw. Immutable, thread-safe.
 */
public final class Turn {

    private final String viewer;
    private final boolean wholeResponse;
    private final FileViews.Seen seen;
    private final GaplessException failure;

    private Turn(String viewer, boolean wholeResponse, FileViews.Seen seen, GaplessException failure) {
        this.viewer = viewer;
        this.wholeResponse = wholeResponse;
        this.seen = seen;
        this.failure = failure;
    }

    /**
     * What to record of a file the reader has just written itself.
     *
     * @param version      the version to record
     * @param onlyIfUnseen record it only where the reader has no view of the file yet
     */
    record OwnView(int version, boolean onlyIfUnseen) {
    }

    /**
     * The view of a response's calls.
     *
     * @param chat     the chat's tools
     * @param viewer   the reader: {@code ""} for the chat as a whole, or a client of it
     * @param calls    the response's calls; the view is read only if one of their tools reads it
     *                 ({@link Tool#readsViewAtArrival()}: a whole-file write, {@code get_code_diff})
     * @param whole    whether {@code calls} are all the calls of the response; {@code false} for one call of a
     *                 response whose other calls come separately (MCP, LangChain4j), whose results the model has not
     *                 seen when they arrive
     * @return the turn; a failure to read the view is kept, for the whole-file writes to report
     */
    public static Turn of(ChatTools chat, String viewer, List<ToolCall> calls, boolean whole) {
        ToolRegistry tools = ToolRegistry.standard();
        boolean needed = calls.stream().anyMatch(c -> c != null
                && tools.find(c.name()).map(Tool::readsViewAtArrival).orElse(false));
        if (!needed) {
            return new Turn(viewer, whole, null, null);
        }
        try {
            return new Turn(viewer, whole, chat.seen(viewer), null);
        } catch (GaplessException e) {
            return new Turn(viewer, whole, null, e);
        }
    }

    /**
     * What the reader is taken to have seen of a file after its own write of it, so that its later whole-file writes
     * are based on what they were made from:
     * <ul>
     *   <li>a merged write: its base (the model wrote from there; the merged result holds more than it saw);</li>
     *   <li>a write of a whole response: the version written, which the next response is made from;</li>
     *   <li>one call of a response whose other calls come separately: a call of the same response made from the same
     *       view may still come, so a view the reader has stays; without one, the version written if the write added
     *       the file (nothing to merge against), else its base.</li>
     * </ul>
     *
     * @param base    the version the write was based on
     * @param written the version written (for a write that changed nothing, the head)
     * @param added   whether the write added the file
     * @param merged  whether the store merged the write
     * @return what to record
     */
    OwnView afterOwnWrite(int base, int written, boolean added, boolean merged) {
        if (merged) {
            return new OwnView(base, false);
        }
        if (wholeResponse) {
            return new OwnView(written, false);
        }
        return new OwnView(added ? written : base, true);
    }

    /** @return whether these calls are all the calls of their response */
    boolean wholeResponse() {
        return wholeResponse;
    }

    /**
     * The artifact's head when the response's calls arrived, where it was read.
     *
     * @return the head, or empty when the view was not read (or could not be)
     */
    java.util.OptionalInt headAtArrival() {
        return seen == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(seen.headVersion());
    }

    /** @return the reader whose view this is */
    public String viewer() {
        return viewer;
    }

    /**
     * The version a whole-file write of this response is based on.
     *
     * @param filename the file written
     * @return the version the reader last saw the file at, or the artifact's head when the calls arrived
     * @throws GaplessException if the view could not be read when the calls arrived (nothing was written)
     * @throws IllegalStateException if the response had no whole-file write when it arrived
     */
    int baseFor(String filename) {
        if (failure != null) {
            throw failure;
        }
        if (seen == null) {
            throw new IllegalStateException("the view was not read for a response without whole-file writes");
        }
        return seen.version(filename).orElse(seen.headVersion());
    }
}
