package dev.gapless.core;

import java.util.List;
import java.util.OptionalInt;

/**
 * A page of history, newest first. Immutable and thread-safe.
 *
 * @param versions   the versions of the page, newest first
 * @param nextBefore the cursor of the next (older) page, or {@code null} when this is the last page
 */
public record HistoryPage(List<VersionSummary> versions, Integer nextBefore) {

    /**
     * Copies the list.
     *
     * @param versions   the versions of the page, newest first
     * @param nextBefore the cursor of the next (older) page, or {@code null} when this is the last page
     */
    public HistoryPage {
        versions = List.copyOf(versions);
    }

    /**
     * The cursor of the next, older page.
     *
     * @return the {@code before} to ask with, or empty when no older version matches
     */
    public OptionalInt next() {
        return nextBefore == null ? OptionalInt.empty() : OptionalInt.of(nextBefore);
    }
}
