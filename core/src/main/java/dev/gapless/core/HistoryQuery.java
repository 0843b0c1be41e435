package dev.gapless.core;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One page of an artifact's history: at most {@code limit} versions older than {@code before} (newest first), only
 * those whose change touched {@code file} when it is given. Immutable and thread-safe.
 *
 * @param limit  the most versions to return, 1 to {@link #MAX_LIMIT}
 * @param before only versions with a smaller number, or {@code null} for the newest
 * @param file   only versions whose change put, edited, moved or deleted this file, or {@code null} for every version
 */
public record HistoryQuery(int limit, Integer before, String file) {

    /** The largest page. */
    public static final int MAX_LIMIT = 1_000;

    /**
     * Creates a {@code HistoryQuery}.
     *
     * @param limit  the most versions to return, 1 to {@link #MAX_LIMIT}
     * @param before only versions with a smaller number, or {@code null} for the newest
     * @param file   only versions whose change put, edited, moved or deleted this file, or {@code null} for every
     *               version
     * @throws IllegalArgumentException if {@code limit} is not 1 to {@link #MAX_LIMIT} or {@code before} is less
     *                                  than 1
     */
    public HistoryQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("the history limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        if (before != null && before < 1) {
            throw new IllegalArgumentException("the history cursor 'before' must be a version number (1 or more),"
                    + " was " + before);
        }
    }

    /**
     * The newest {@code limit} versions.
     *
     * @param limit the most versions to return
     * @return the query
     * @throws IllegalArgumentException if {@code limit} is out of range
     */
    public static HistoryQuery latest(int limit) {
        return new HistoryQuery(limit, null, null);
    }

    /**
     * This query for the versions before {@code version}.
     *
     * @param version the cursor (a page's {@link HistoryPage#nextBefore()})
     * @return the query
     * @throws IllegalArgumentException if {@code version} is less than 1
     */
    public HistoryQuery before(int version) {
        return new HistoryQuery(limit, version, file);
    }

    /**
     * This query for one file's history.
     *
     * @param filename the file
     * @return the query
     */
    public HistoryQuery file(String filename) {
        return new HistoryQuery(limit, before, filename);
    }

    /**
     * The cursor.
     *
     * @return {@code before}, or empty
     */
    public OptionalInt beforeVersion() {
        return before == null ? OptionalInt.empty() : OptionalInt.of(before);
    }

    /**
     * The file filter.
     *
     * @return the file, or empty
     */
    public Optional<String> fileName() {
        return Optional.ofNullable(file);
    }
}
