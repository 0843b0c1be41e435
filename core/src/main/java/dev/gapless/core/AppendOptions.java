package dev.gapless.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-append options. Immutable; the {@code with…} methods return copies.
 *
 * <pre>{@code
 * AppendOptions.defaults().withIdempotencyKey(toolCallId).withExpectedVersion(3)
 * }</pre>
 */
public final class AppendOptions {

    private static final AppendOptions DEFAULTS = new AppendOptions(null, null, null);

    private final String idempotencyKey;
    private final Integer expectedVersion;
    private final Duration timeout;

    private AppendOptions(String idempotencyKey, Integer expectedVersion, Duration timeout) {
        this.idempotencyKey = idempotencyKey;
        this.expectedVersion = expectedVersion;
        this.timeout = timeout;
    }

    /**
     * No idempotency key, no expected version, the store's default timeout.
     *
     * @return the default options
     */
    public static AppendOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Makes the append exactly-once: if the artifact already has a version written with this key, the append
     * returns it ({@link AppendResult#deduplicated()}) and writes nothing. Use the tool-call id.
     *
     * @param key the key, 1 to 200 characters (Unicode code points), no NUL; checked by the append
     * @return a copy with the key
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public AppendOptions withIdempotencyKey(String key) {
        return new AppendOptions(Objects.requireNonNull(key, "key"), expectedVersion, timeout);
    }

    /**
     * Makes the append conditional: it fails with {@link VersionConflictException} unless the head is
     * {@code version} when it is applied.
     *
     * @param version the expected head version, 0 for "no version yet"
     * @return a copy with the expected version
     * @throws IllegalArgumentException if {@code version} is negative
     */
    public AppendOptions withExpectedVersion(int version) {
        if (version < 0) {
            throw new IllegalArgumentException("expected version must be >= 0, was " + version);
        }
        return new AppendOptions(idempotencyKey, version, timeout);
    }

    /**
     * Overrides the store's default deadline for this append.
     *
     * @param timeout a positive duration
     * @return a copy with the timeout
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public AppendOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new AppendOptions(idempotencyKey, expectedVersion, timeout);
    }

    /** {@return the idempotency key, if any} */
    public Optional<String> idempotencyKey() {
        return Optional.ofNullable(idempotencyKey);
    }

    /** {@return the expected head version, if any} */
    public Optional<Integer> expectedVersion() {
        return Optional.ofNullable(expectedVersion);
    }

    /** {@return the timeout, if one overrides the store's default} */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public String toString() {
        return "AppendOptions[idempotencyKey=" + idempotencyKey + ", expectedVersion=" + expectedVersion
                + ", timeout=" + timeout + "]";
    }
}
