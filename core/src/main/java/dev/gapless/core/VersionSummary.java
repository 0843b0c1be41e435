package dev.gapless.core;

import java.time.Instant;

/**
 * One line of an artifact's history, without its content.
 *
 * @param number         the version number
 * @param summary        the summary of its change, e.g. {@code "Added main.cpp"}
 * @param fileCount      the number of files in the version's snapshot
 * @param idempotencyKey the key its append carried, or {@code null}
 * @param createdAt      when it was committed
 */
public record VersionSummary(int number, String summary, int fileCount, String idempotencyKey, Instant createdAt) {
}
