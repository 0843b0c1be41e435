package dev.gapless.core.internal;

import dev.gapless.core.AppendResult;
import dev.gapless.core.GaplessException;

/** How one member of an attempt ended. */
sealed interface MemberResult {

    /**
     * Written by this attempt, or found already written under its key ({@link AppendResult#deduplicated()}).
     *
     * @param result the result
     */
    record Done(AppendResult result) implements MemberResult {
    }

    /**
     * Rejected for good, whatever a retry would do: a missing file, a limit, an expected version, a reused key, a
     * passed deadline.
     *
     * @param failure    the exception the caller receives (before the pipeline accounts for ambiguity)
     * @param keyChecked whether the key was looked up under the artifact's lock first, which proves that no earlier
     *                   attempt of this append committed
     */
    record Rejected(GaplessException failure, boolean keyChecked) implements MemberResult {
    }

    /**
     * The final failure handed to the caller.
     *
     * @param failure the exception, with its outcome settled
     */
    record Failed(GaplessException failure) implements MemberResult {
    }
}
