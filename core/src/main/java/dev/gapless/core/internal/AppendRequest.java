package dev.gapless.core.internal;

import dev.gapless.core.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One validated append, as handed to a strategy.
 *
 * @param artifactId      the artifact
 * @param change          the change, already validated
 * @param idempotencyKey  the key, or {@code null}
 * @param expectedVersion the expected head, or {@code null}
 * @param timeout         the append's budget
 * @param deadline        when the budget runs out
 * @param startNanos      {@link System#nanoTime()} when the call started
 */
public record AppendRequest(UUID artifactId, Change change, String idempotencyKey, Integer expectedVersion,
                            Duration timeout, Instant deadline, long startNanos) {
}
