package dev.gapless.core.internal;

import dev.gapless.core.ArtifactNotFoundException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What an attempt reads of an artifact before it applies its changes: the head and counters, the rows of the files
 * it touches, the versions written with its keys and the contents its edits and merges start from. The
 * {@link Storage} statements that read them are added to a {@link Script} and fill this when the script runs (so
 * that the reads share a round trip); the attempt then takes what was read from here. Not thread-safe: one attempt's.
 */
final class HeadRead {

    private final UUID id;
    private Storage.Locked counters;
    final Map<String, HeadState.FileRow> rows = new HashMap<>();
    final Map<String, HeadState.KeyRow> keys = new HashMap<>();
    final Map<String, String> texts = new HashMap<>();

    HeadRead(UUID id) {
        this.id = id;
    }

    UUID id() {
        return id;
    }

    /** Receives the head and counters from the statement that read (or locked) them. */
    Script.Rows countersRow() {
        return row -> counters = new Storage.Locked(row.getInt(1), row.getInt(2), row.getLong(3), row.getInt(4));
    }

    /**
     * The head and counters as read.
     *
     * @throws ArtifactNotFoundException if the statement found no artifact
     */
    Storage.Locked counters() {
        if (counters == null) {
            throw new ArtifactNotFoundException(id);
        }
        return counters;
    }

    /**
     * The state an attempt applies its changes to.
     *
     * @throws ArtifactNotFoundException if no artifact was found
     */
    HeadState state(Limits limits, TimeSource time) {
        Storage.Locked c = counters();
        return new HeadState(limits, time, c.head(), c.fileCount(), c.totalBytes(), c.changesSinceManifest(), rows,
                keys, texts);
    }
}
