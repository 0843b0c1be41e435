package dev.gapless.core;

import java.util.Objects;
import java.util.UUID;

/**
 * An append carried an idempotency key that an earlier version of the artifact was written with, but its change is
 * not that version's change: a reused key (for instance one tool-call id on two different calls), not a replay.
 * Nothing was written; the earlier version stands. A true replay (the same key with the same change) is not an
 * error: it returns the earlier version with {@link AppendResult#deduplicated()} set. The same holds for a key whose
 * first call was rejected for the artifact's state: a replay meets the same rejection, another change under the key
 * gets this exception with {@link #version()} 0.
 */
public final class IdempotencyKeyReusedException extends GaplessException {

    /** The artifact the key was used on. */
    private final UUID artifactId;
    /** The idempotency key given again. */
    private final String key;
    /** The version the key first produced. */
    private final int version;

    /**
     * Creates an {@code IdempotencyKeyReusedException}.
     *
     * @param artifactId the artifact
     * @param key        the reused key
     * @param version    the version written earlier with that key, or 0 when the earlier call was rejected for the
     *                   artifact's state (its rejection is recorded under the key)
     */
    public IdempotencyKeyReusedException(UUID artifactId, String key, int version) {
        super("idempotency key '" + key + "' was already used " + (version > 0 ? "for version " + version
                : "by a call that was rejected") + " of artifact " + artifactId + " with a different change", null,
                Outcome.NOT_APPLIED);
        this.artifactId = artifactId;
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
    }

    /** {@return the artifact} */
    public UUID artifactId() {
        return artifactId;
    }

    /** {@return the reused key} */
    public String key() {
        return key;
    }

    /** {@return the version written earlier with the key, or 0 when the earlier call was rejected} */
    public int version() {
        return version;
    }
}
