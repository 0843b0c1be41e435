package dev.gapless.core;

import dev.gapless.core.internal.InputValidator;
import dev.gapless.core.internal.Writer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What each reader of an artifact last saw of each of its files, kept in PostgreSQL (table
 * {@code gapless_file_views}) so that it holds across processes and restarts. A reader is named by a viewer string:
 * {@code ""} for the artifact's chat as a whole, or one client of it (an MCP session, an agent id). For each file the
 * view holds the artifact version whose content of that file the reader last saw, by reading it or by writing it
 * whole (absence counts: a read that found no file, or a delete, is a view too). A whole-file write from that reader
 * can then say what it was based on ({@link Change#put(CodeFile, int)}), so that what others changed since is merged
 * instead of overwritten.
 *
 * <p>Views only move forward: recording an older version than the one held keeps the newer. They are advice about
 * what a writer saw, never a lock: nothing here blocks or orders writes. Obtained from {@link ArtifactStore#views()};
 * uses the store's data source. Thread-safe.
 */
public final class FileViews {

    /** The longest viewer name accepted, in characters. */
    public static final int MAX_VIEWER_LENGTH = 256;

    private final Writer connections;

    FileViews(Writer connections) {
        this.connections = connections;
    }

    /**
     * The artifact's head and what one reader last saw of its files, read together in one statement.
     *
     * @param headVersion the artifact's latest version when read (0 before the first append)
     * @param seen        per file (name in Unicode NFC), the version the reader last saw it at; unmodifiable
     */
    public record Seen(int headVersion, Map<String, Integer> seen) {

        /**
         * Creates a {@code Seen}.
         *
         * @param headVersion the artifact's latest version when read (0 before the first append)
         * @param seen        per file (name in Unicode NFC), the version the reader last saw it at; unmodifiable
         * @throws NullPointerException if {@code seen} is {@code null}
         */
        public Seen {
            seen = Map.copyOf(seen);
        }

        /**
         * Returns the version the reader last saw that file at, or empty if it never saw it.
         *
         * @param filename a file's name, in any Unicode normal form
         * @return the version the reader last saw that file at, or empty if it never saw it
         */
        public OptionalInt version(String filename) {
            Integer v = seen.get(InputValidator.normalizeFilename(Objects.requireNonNull(filename, "filename")));
            return v == null ? OptionalInt.empty() : OptionalInt.of(v);
        }
    }

    /**
     * Reads the artifact's head version and the reader's views of its files.
     *
     * @param artifactId the artifact
     * @param viewer     the reader ({@code ""} for the chat as a whole)
     * @return the head and the views (none for a reader that has seen nothing)
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws StorageException          if the database fails
     * @throws IllegalArgumentException  if {@code viewer} is over {@link #MAX_VIEWER_LENGTH} or contains NUL
     * @throws NullPointerException      if an argument is {@code null}
     */
    public Seen seen(UUID artifactId, String viewer) {
        Objects.requireNonNull(artifactId, "artifactId");
        checkViewer(viewer);
        try {
            return connections.read(null, c -> seen(c, artifactId, viewer));
        } catch (SQLException e) {
            throw failed("reading file views", e);
        }
    }

    /**
     * Records that a reader saw files at versions (each kept only if newer than the version already held).
     *
     * @param artifactId the artifact
     * @param viewer     the reader ({@code ""} for the chat as a whole)
     * @param versions   per file name, the artifact version whose content of it the reader saw; may be empty
     * @throws StorageException         if the database fails
     * @throws IllegalArgumentException if {@code viewer} is over {@link #MAX_VIEWER_LENGTH} or contains NUL, or a
     *                                  version is negative
     * @throws NullPointerException     if an argument, a name or a version is {@code null}
     */
    public void saw(UUID artifactId, String viewer, Map<String, Integer> versions) {
        record(artifactId, viewer, versions, " DO UPDATE SET version = EXCLUDED.version, seen_at = now()"
                + " WHERE gapless_file_views.version < EXCLUDED.version");
    }

    /**
     * Records views only of the files the reader has no view of yet; the views it has stay as they are (for a write
     * whose result the reader may not have seen before its next call, see {@code docs/tool-calls.md}).
     *
     * @param artifactId the artifact
     * @param viewer     the reader ({@code ""} for the chat as a whole)
     * @param versions   per file name, the version to record if the reader has no view of the file
     * @throws StorageException         if the database fails
     * @throws IllegalArgumentException as {@link #saw}
     * @throws NullPointerException     as {@link #saw}
     */
    public void sawIfUnseen(UUID artifactId, String viewer, Map<String, Integer> versions) {
        record(artifactId, viewer, versions, " DO NOTHING");
    }

    private void record(UUID artifactId, String viewer, Map<String, Integer> versions, String onConflict) {
        Objects.requireNonNull(artifactId, "artifactId");
        checkViewer(viewer);
        // sorted, so that two writers upserting overlapping sets lock the rows in one order and never deadlock
        TreeMap<String, Integer> sorted = new TreeMap<>();
        versions.forEach((name, version) -> {
            if (version < 0) {
                throw new IllegalArgumentException("a version is >= 0, was " + version + " for '" + name + "'");
            }
            sorted.merge(InputValidator.normalizeFilename(Objects.requireNonNull(name, "filename")), version,
                    Math::max);
        });
        if (sorted.isEmpty()) {
            return;
        }
        try {
            connections.read(null, c -> record(c, artifactId, viewer, sorted, onConflict));
        } catch (SQLException e) {
            throw failed("recording file views", e);
        }
    }

    private static Seen seen(Connection c, UUID artifactId, String viewer) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT a.head_version, v.filename, v.version FROM artifacts a"
                        + " LEFT JOIN gapless_file_views v ON v.artifact_id = a.id AND v.viewer = ?"
                        + " WHERE a.id = ?")) {
            s.setString(1, viewer);
            s.setObject(2, artifactId);
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    throw new ArtifactNotFoundException(artifactId);
                }
                int head = rows.getInt(1);
                Map<String, Integer> seen = new HashMap<>();
                do {
                    String name = rows.getString(2);
                    if (name != null) {
                        seen.put(name, rows.getInt(3));
                    }
                } while (rows.next());
                return new Seen(head, seen);
            }
        }
    }

    private static Void record(Connection c, UUID artifactId, String viewer, TreeMap<String, Integer> sorted,
                               String onConflict) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO gapless_file_views (artifact_id, viewer, filename, version)"
                        + " SELECT ?, ?, f.name, f.version FROM unnest(?::text[], ?::integer[]) AS f (name, version)"
                        + " ON CONFLICT (artifact_id, viewer, filename)" + onConflict)) {
            Array names = c.createArrayOf("text", sorted.keySet().toArray());
            Array numbers = c.createArrayOf("integer", sorted.values().toArray());
            s.setObject(1, artifactId);
            s.setString(2, viewer);
            s.setArray(3, names);
            s.setArray(4, numbers);
            s.executeUpdate();
        }
        return null;
    }

    private static void checkViewer(String viewer) {
        Objects.requireNonNull(viewer, "viewer");
        if (viewer.length() > MAX_VIEWER_LENGTH) {
            throw new IllegalArgumentException("a viewer is at most " + MAX_VIEWER_LENGTH + " characters, was "
                    + viewer.length());
        }
        if (viewer.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a viewer must not contain NUL");
        }
    }

    private static StorageException failed(String what, SQLException e) {
        StorageException mapped = Writer.readFailure(e);
        if (mapped instanceof ConfigurationException) {
            return mapped; // a wrong password or host says so, as every other call of the store does
        }
        return new StorageException(what + " failed (SQLSTATE " + e.getSQLState() + ")", e.getSQLState(), null, e);
    }
}
