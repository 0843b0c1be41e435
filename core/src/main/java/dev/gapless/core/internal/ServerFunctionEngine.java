package dev.gapless.core.internal;

import dev.gapless.core.FileMerge;
import dev.gapless.core.IdempotencyKeyReusedException;
import dev.gapless.core.VersionConflictException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An attempt as one call of {@code gapless_try_append_checked(…)}, a PL/pgSQL function that stores the contents, takes
 * the artifact's row lock and does everything else under it (a keyed append's rejection is recorded under its
 * key and returned, not raised). The call is sent with the transaction's isolation and
 * deadline before it and COMMIT after it, all in one round trip: one member, one round trip.
 *
 * <p>A put that says which version its writer saw costs one more round trip first: the head's files are read
 * without the lock and the merge is computed here ({@link HeadState}, as the other strategies do under the lock);
 * the function writes the merged file only if each merged file is still what was read (else GL409, retried, and
 * merged again). A change of puts only asks the function to write nothing when every put is the head's file.
 * Immutable and thread-safe.
 */
final class ServerFunctionEngine implements Engine {

    private final Connections connections;
    private final Limits limits;
    private final Merges merges;

    ServerFunctionEngine(Connections connections, Limits limits, Merges merges) {
        this.connections = connections;
        this.limits = limits;
        this.merges = merges;
    }

    /** The call to make, and the merges it carries. */
    private record Planned(Storage.FunctionCall call, List<FileMerge> merges, MemberResult rejected) {
    }

    @Override
    public Map<Member, MemberResult> attempt(List<Member> open, int attempt) throws SQLException {
        Member member = open.get(0);
        AppendRequest r = member.request();
        PreparedChange change = r.change();
        boolean based = false;
        boolean putsOnly = true;
        for (PreparedChange.Leaf leaf : change.leaves()) {
            based |= leaf instanceof PreparedChange.Put put && put.hasBase();
            putsOnly &= leaf instanceof PreparedChange.Put put && put.createVerb() == null;
        }
        boolean merging = based;
        boolean checkUnchanged = putsOnly;
        // a merge reads the head, the file rows and what changed them since the base in separate statements: under
        // READ COMMITTED a commit between them made the merge miss a change its precondition (the rows' digest) then
        // passed, and the change was lost (found by the chaos checker). One snapshot, and a lock that fails with
        // 40001 if anything committed since it, keep the merge and its precondition about the same head.
        Transactions.Isolation isolation = merging ? Transactions.Isolation.REPEATABLE_READ_WRITE
                : Transactions.Isolation.READ_COMMITTED;
        return connections.inTransaction(r.deadline(), isolation, tx -> {
            Script call = new Script();
            Planned plan = new Planned(new Storage.FunctionCall(Map.of(), checkUnchanged, change.json(),
                    change.contents()), List.of(), null);
            if (merging) {
                plan = merge(tx, call, member, attempt, checkUnchanged);
                if (plan.rejected() != null) {
                    return Map.of(member, plan.rejected());
                }
                call = new Script();
            }
            Storage.FunctionResult[] result = new Storage.FunctionResult[1];
            Storage.callAppendFunction(call, r, plan.call(), limits, tx.timeoutMs(), result);
            tx.commitWith(call);
            Storage.FunctionResult f = result[0];
            if (f.failure() != null) {
                // found under the lock and committed with the call: the key is spent on this rejection
                return Map.of(member, new MemberResult.Rejected(Failures.replay(f.failure()), true));
            }
            if (f.unchanged()) {
                return Map.of(member, new MemberResult.Done(member.result(f.version(), unchangedSummary(change),
                        attempt, false, true, plan.merges())));
            }
            return Map.of(member, new MemberResult.Done(member.result(f.version(), f.summary(), attempt,
                    f.deduplicated(), false, f.deduplicated() ? List.of() : plan.merges())));
        });
    }

    /**
     * Sends {@code script} (the transaction's settings) with an unlocked read of the head, computes the member's
     * merges on it and plans the call with the files merged onto as preconditions.
     */
    private Planned merge(Transactions.Tx tx, Script script, Member member, int attempt, boolean checkUnchanged)
            throws SQLException {
        AppendRequest r = member.request();
        PreparedChange change = r.change();
        UUID id = r.artifactId();
        Set<String> filenames = new LinkedHashSet<>();
        Set<String> sources = new LinkedHashSet<>(change.editSources());
        for (PreparedChange.Leaf leaf : change.leaves()) {
            filenames.add(leaf.filename());
            if (leaf instanceof PreparedChange.Put put && put.hasBase()) {
                sources.add(put.filename());
            }
        }
        HeadRead read = new HeadRead(id);
        Storage.readCounters(script, read);
        Storage.readHead(script, read, filenames, r.idempotencyKey() == null ? List.of() : List.of(r.idempotencyKey()),
                sources);
        tx.run(script);
        Storage.Locked head = read.counters();
        HeadState state = read.state(limits, connections.time())
                .merging(merges, FileHistory.readAll(tx.connection(), id, List.of(member), head.head()));
        MemberResult result = state.apply(member, attempt, false);
        Map<String, Digest> preconditions = new LinkedHashMap<>();
        for (String name : filenames) {
            HeadState.FileRow row = read.rows.get(name);
            preconditions.put(name, row == null ? null : row.sha256());
        }
        if (result instanceof MemberResult.Rejected rejected) {
            if (rejected.keyChecked() || rejected.failure() instanceof VersionConflictException
                    || rejected.failure() instanceof IdempotencyKeyReusedException) {
                // decided before any merge, on the key and the head: the function decides them again under the
                // lock, on the same snapshot, and records a keyed rejection under its key
                return new Planned(new Storage.FunctionCall(preconditions, checkUnchanged, change.json(),
                        change.contents()), List.of(), null);
            }
            // anything else was decided on the merged change (a conflict, a pruned base, a merged file or artifact
            // over a limit) or on the clock (a deadline that passed while the merge was read): the function does not
            // merge, so it would decide on the put as sent, and where that passes write it, losing what its writer
            // did not see (found by the chaos checker in TimeoutChaosTest for the deadline). Nothing is written
            return new Planned(null, List.of(), rejected);
        }
        MemberResult.Done done = (MemberResult.Done) result;
        if (done.result().deduplicated()) {
            return new Planned(new Storage.FunctionCall(Map.of(), false, change.json(), change.contents()), List.of(),
                    null);
        }
        SortedMap<Digest, String> contents = new TreeMap<>(change.contents());
        contents.putAll(state.results());
        return new Planned(new Storage.FunctionCall(preconditions, checkUnchanged, state.lastRequestJson(), contents),
                done.result().merges(), null);
    }

    /** What an unchanged change of puts would have said: "Updated a; Updated b". */
    private static String unchangedSummary(PreparedChange change) {
        StringBuilder out = new StringBuilder();
        for (PreparedChange.Leaf leaf : change.leaves()) {
            out.append(out.isEmpty() ? "" : "; ").append(Summaries.put(leaf.filename(), true));
        }
        return out.toString();
    }
}
