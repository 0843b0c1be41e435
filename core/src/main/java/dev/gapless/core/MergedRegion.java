package dev.gapless.core;

/**
 * A region of a merged file that came from another writer's version, so that a tool can say "merged with version 7
 * (lines 40-44 changed by call_x)". Lines the other writer only removed leave no region. Immutable and thread-safe.
 *
 * @param fromLine       the first line of the region in the merged result, from 1
 * @param toLine         the last line of the region in the merged result, inclusive
 * @param version        the version that made the change
 * @param idempotencyKey that version's idempotency key (a tool call's id), or {@code null} when it had none
 */
public record MergedRegion(int fromLine, int toLine, int version, String idempotencyKey) {
}
