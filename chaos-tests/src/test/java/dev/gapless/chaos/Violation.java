package dev.gapless.chaos;

import java.util.List;
import java.util.UUID;

/**
 * One broken invariant found by the {@link HistoryChecker}.
 *
 * @param rule       which invariant
 * @param artifactId the artifact
 * @param versions   the versions involved (may be empty)
 * @param keys       the idempotency keys or op ids involved (may be empty)
 * @param detail     what was seen
 */
record Violation(Rule rule, UUID artifactId, List<Integer> versions, List<String> keys, String detail) {

    /** The invariants. */
    enum Rule {
        /** Versions are exactly 1..head. */
        NOT_CONTIGUOUS,
        /** {@code head_version} is the highest version. */
        HEAD_NOT_MAX,
        /**
         * content(k) = apply(change(k), content(k-1)), and everything stored about it agrees with that replay: the
         * summary is the change's, {@code file_count}, every manifest, the head's files and the artifact's counters.
         */
        CONTENT_NOT_DERIVED,
        /** Every content that a change, manifest or head file references is stored, and hashes to its key. */
        CONTENT_MISSING,
        /** An idempotency key appears at most once. */
        KEY_REPEATED,
        /** An acknowledged append is in the history. */
        ACKED_MISSING,
        /** An append is in the history at most once. */
        PRESENT_MORE_THAN_ONCE,
        /** An acknowledged append is at the version it was acknowledged with. */
        ACKED_WRONG_VERSION,
        /** Every version is one some writer attempted, with the change it sent. */
        NOT_ATTEMPTED,
        /** An append reported failed (nothing written) is not in the history. */
        FAILED_BUT_WRITTEN,
        /** An append whose outcome was unknown was resolved by a retry with the same key. */
        UNKNOWN_UNRESOLVED,
        /** An append was not rejected for a reason other than the expected ones (e.g. lost to a concurrent writer). */
        LOST_WRITE,
        /**
         * A put that said its base stores merge(base, write, head before it) (the write itself where the file did not
         * change since, nothing where that merge conflicts), and one acknowledged as unchanged found that result
         * already in the head.
         */
        MERGE_NOT_DERIVED
    }

    Violation {
        versions = List.copyOf(versions);
        keys = List.copyOf(keys);
    }

    @Override
    public String toString() {
        return rule + " artifact=" + artifactId + (versions.isEmpty() ? "" : " versions=" + versions)
                + (keys.isEmpty() ? "" : " keys=" + keys) + ": " + detail;
    }
}
