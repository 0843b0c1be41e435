package dev.gapless.core.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** How one attempt of a write runs: one transaction for all open members, or one statement for one member. */
interface Engine {

    /**
     * Runs one attempt.
     *
     * @param open    the members still open, all of one artifact; one, except for group-commit
     * @param attempt the attempt number, from 1
     * @return a {@link MemberResult.Done} or {@link MemberResult.Rejected} for every member
     * @throws SQLException                        when the attempt failed as a whole (rolled back)
     * @throws dev.gapless.core.GaplessException   when it failed as a whole for a reason no retry changes
     * @throws Connections.Expired                 when the deadline passed before anything was sent
     */
    Map<Member, MemberResult> attempt(List<Member> open, int attempt) throws SQLException;

    /** Whether a batch of several members may be handed to {@link #attempt}. */
    default boolean batches() {
        return false;
    }
}
