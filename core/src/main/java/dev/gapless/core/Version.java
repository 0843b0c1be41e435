package dev.gapless.core;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One stored version of an artifact: the full snapshot and the change that produced it from the previous version.
 *
 * @param artifactId     the artifact
 * @param number         the version number, from 1
 * @param snapshot       the files of this version
 * @param change         the change that produced it
 * @param summary        a one-line summary of the change
 * @param idempotencyKey the key the append carried, or {@code null}
 * @param createdAt      when it was committed
 */
public record Version(UUID artifactId, int number, Snapshot snapshot, Change change, String summary,
                      String idempotencyKey, Instant createdAt) {

    /**
     * The idempotency key the append carried.
     *
     * @return the key, or empty
     */
    public Optional<String> key() {
        return Optional.ofNullable(idempotencyKey);
    }
}
