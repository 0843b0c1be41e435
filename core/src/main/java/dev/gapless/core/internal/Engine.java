package dev.gapless.core.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** How one attempt of a write runs: one transaction for all open members, or one statement for one member. */
interface Engine {

    /**
     * Runs one attempt.
     *
     * @param open     the members still open, all of one artifact; one, except for group-commit
     * @param attempt  the attempt number, from 1
     * @param hooks    what group-commit's pipelining needs to know (the state a batch still in flight will leave,
     *                 and when this attempt has computed its writes); {@link Hooks#NONE} otherwise
     * @return a {@link MemberResult.Done} or {@link MemberResult.Rejected} for every member
     * @throws SQLException                        when the attempt failed as a whole (rolled back)
     * @throws dev.gapless.core.GaplessException   when it failed as a whole for a reason no retry changes
     * @throws Connections.Expired                 when the deadline passed before anything was sent
     */
    Map<Member, MemberResult> attempt(List<Member> open, int attempt, Hooks hooks) throws SQLException;

    /** Between a group-commit batch and the lane that runs it. */
    interface Hooks {

        /** No pipelining. */
        Hooks NONE = new Hooks() {
        };

        /** The state the batch ahead of this one will leave when it commits, or {@code null} when none is in flight. */
        default HeadState.Prediction ahead() {
            return null;
        }

        /** This attempt has computed its writes and is about to send them: the next batch may start. */
        default void prepared(HeadState.Prediction after) {
        }
    }

    /** Whether a batch of several members may be handed to {@link #attempt}. */
    default boolean batches() {
        return false;
    }
}
