package dev.gapless.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One validated append, as handed to the write pipeline.
 *
 * @param artifactId      the artifact
 * @param change          the change, validated and prepared for storage
 * @param idempotencyKey  the key, or {@code null}
 * @param expectedVersion the expected head, or {@code null}
 * @param timeout         the append's budget
 * @param deadline        when the budget runs out
 * @param startNanos      the store's {@link TimeSource#nanoTime()} when the call started
 */
public record AppendRequest(UUID artifactId, PreparedChange change, String idempotencyKey, Integer expectedVersion,
                            Duration timeout, Instant deadline, long startNanos) {
}
