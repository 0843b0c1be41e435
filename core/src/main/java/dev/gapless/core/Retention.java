package dev.gapless.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Which versions of an artifact to keep when pruning ({@link ArtifactLifecycle#prune}, or a store's policy set with
 * {@link ArtifactStore.Builder#retention}). The head is always kept, whatever the policy says; numbering continues
 * after a prune (numbers are never reused). Immutable records, thread-safe.
 */
public sealed interface Retention permits Retention.KeepLast, Retention.KeepAfter, Retention.KeepSince,
        Retention.KeepFor {

    /**
     * Keeps the newest {@code versions} versions.
     *
     * @param versions how many, at least 1
     * @return the policy
     * @throws IllegalArgumentException if {@code versions} is less than 1
     */
    static Retention keepLast(int versions) {
        return new KeepLast(versions);
    }

    /**
     * Keeps the versions newer than {@code version} (and the head).
     *
     * @param version a version number, at least 1
     * @return the policy
     * @throws IllegalArgumentException if {@code version} is less than 1
     */
    static Retention keepNewerThan(int version) {
        return new KeepAfter(version);
    }

    /**
     * Keeps the versions written at or after {@code time} (and the head).
     *
     * @param time the instant
     * @return the policy
     * @throws NullPointerException if {@code time} is {@code null}
     */
    static Retention keepSince(Instant time) {
        return new KeepSince(time);
    }

    /**
     * Keeps the versions written within {@code age} of now (and the head), now being the store's clock.
     *
     * @param age a positive duration
     * @return the policy
     * @throws IllegalArgumentException if {@code age} is not positive
     */
    static Retention keepFor(Duration age) {
        return new KeepFor(age);
    }

    /**
     * The newest {@code versions} versions.
     *
     * @param versions how many, at least 1
     */
    record KeepLast(int versions) implements Retention {
        /**
         * Creates a {@code KeepLast}.
         *
         * @param versions how many, at least 1
         * @throws IllegalArgumentException if {@code versions} is less than 1
         */
        public KeepLast {
            if (versions < 1) {
                throw new IllegalArgumentException("keep at least 1 version, was " + versions);
            }
        }
    }

    /**
     * The versions newer than {@code version}.
     *
     * @param version the newest version that may be pruned, at least 1
     */
    record KeepAfter(int version) implements Retention {
        /**
         * Creates a {@code KeepAfter}.
         *
         * @param version the newest version that may be pruned, at least 1
         * @throws IllegalArgumentException if {@code version} is less than 1
         */
        public KeepAfter {
            if (version < 1) {
                throw new IllegalArgumentException("version numbers start at 1, was " + version);
            }
        }
    }

    /**
     * The versions written at or after {@code time}.
     *
     * @param time the instant
     */
    record KeepSince(Instant time) implements Retention {
        /**
         * Creates a {@code KeepSince}.
         *
         * @param time the instant
         * @throws NullPointerException if {@code time} is {@code null}
         */
        public KeepSince {
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * The versions written within {@code age} of now.
     *
     * @param age a positive duration
     */
    record KeepFor(Duration age) implements Retention {
        /**
         * Creates a {@code KeepFor}.
         *
         * @param age a positive duration
         * @throws IllegalArgumentException if {@code age} is not positive
         */
        public KeepFor {
            Objects.requireNonNull(age, "age");
            if (age.isZero() || age.isNegative()) {
                throw new IllegalArgumentException("the age to keep must be positive, was " + age);
            }
        }
    }
}
