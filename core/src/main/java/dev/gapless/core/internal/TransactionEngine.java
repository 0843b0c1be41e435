package dev.gapless.core.internal;

import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.VersionConflictException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An attempt as one transaction, in two round trips however many members it carries:
 * <ol>
 *   <li>isolation and deadline, the contents, the lock ({@link Locking}), then the touched file rows and the keys;</li>
 *   <li>after the members are applied in memory ({@link HeadState}): head and counters, versions, file rows, a
 *   manifest when due, and COMMIT.</li>
 * </ol>
 * {@code group-commit}'s first attempt at a batch reads without the lock in the first round trip and takes the lock
 * only in the second, with a compare-and-set of the head ({@link Locking#SPECULATIVE}).
 * Immutable and thread-safe.
 */
final class TransactionEngine implements Engine {

    /** How the head is found and protected from other writers. */
    enum Locking {
        /**
         * Read without a lock; moving the head in the second round trip takes the row lock, and a stale read then
         * collides on the version constraint (or, at SERIALIZABLE, fails to serialize) and is retried.
         */
        NONE,
        /** Read without a lock; the head moves only if it is still what was read (compare-and-set), else GL409. */
        COMPARE_AND_SET,
        /** The artifact's row lock, taken by moving the head ({@code UPDATE … RETURNING}). */
        ROW,
        /** {@code pg_advisory_xact_lock} on the artifact, then the row as for {@link #ROW}. */
        ADVISORY,
        /**
         * {@code group-commit}'s: a first attempt reads and computes without the lock and writes with a
         * compare-and-set of the head ({@link TransactionEngine#speculate}); a retry, or a batch with a rejected
         * member, locks as {@link #ROW}.
         */
        SPECULATIVE;

        /** Whether the locking path takes the artifact's lock before it reads. */
        boolean locks() {
            return this == ROW || this == ADVISORY || this == SPECULATIVE;
        }
    }

    private final Connections connections;
    private final Limits limits;
    private final Locking locking;
    private final boolean serializable;
    private final boolean batches;
    private final Merges merges;

    TransactionEngine(Connections connections, Limits limits, Locking locking, boolean serializable,
                      boolean batches) {
        this(connections, limits, locking, serializable, batches, new Merges(null));
    }

    TransactionEngine(Connections connections, Limits limits, Locking locking, boolean serializable,
                      boolean batches, Merges merges) {
        this.merges = merges;
        this.connections = connections;
        this.limits = limits;
        this.locking = locking;
        this.serializable = serializable;
        this.batches = batches;
    }

    @Override
    public boolean batches() {
        return batches;
    }

    @Override
    public Map<Member, MemberResult> attempt(List<Member> open, int attempt) throws SQLException {
        UUID id = open.get(0).request().artifactId();
        Instant deadline = open.get(0).request().deadline();
        SortedMap<Digest, String> contents = new TreeMap<>();
        Set<String> filenames = new LinkedHashSet<>();
        Set<String> keys = new LinkedHashSet<>();
        Set<String> editSources = new LinkedHashSet<>();
        for (Member m : open) {
            AppendRequest r = m.request();
            deadline = r.deadline().isAfter(deadline) ? r.deadline() : deadline;
            contents.putAll(r.change().contents());
            r.change().leaves().forEach(leaf -> filenames.add(leaf.filename()));
            editSources.addAll(r.change().editSources());
            if (r.idempotencyKey() != null) {
                keys.add(r.idempotencyKey());
            }
            if (open.size() > 1) {
                // a based put may merge onto a member before it: its base is then the head's file, read here
                r.change().leaves().forEach(leaf -> {
                    if (leaf instanceof PreparedChange.Put put && put.hasBase()) {
                        editSources.add(put.filename());
                    }
                });
            }
        }
        Instant latest = deadline;
        // a retry is never speculative: it waits for the lock like row-lock, so that it makes progress
        boolean speculate = locking == Locking.SPECULATIVE && attempt == 1;
        Transactions.Isolation isolation = serializable ? Transactions.Isolation.SERIALIZABLE
                : Transactions.Isolation.READ_COMMITTED;
        return connections.inTransaction(latest, isolation, tx -> {
            Script first = new Script();
            if (open.size() == 1 && open.get(0).request().expectedVersion() != null) {
                Map<Member, MemberResult> stale = failFastOnStaleExpectation(tx, first, open.get(0), attempt);
                if (stale != null) {
                    return stale;
                }
                first = new Script();
            }
            Set<Digest> inserted = new HashSet<>();
            Storage.insertContents(first, id, contents, inserted);
            if (speculate) {
                Map<Member, MemberResult> done = speculate(tx, first, open, attempt, filenames, keys, editSources);
                if (done != null) {
                    return done;
                }
                first = new Script(); // the speculation did not hold: lock, and apply again on what is there
            }
            return lockApplyAndWrite(tx, first, open, attempt, filenames, keys, editSources, inserted);
        });
    }

    /**
     * The locking path: adds the lock and the reads to {@code script} (after whatever it already holds), sends it,
     * applies the members to what it read and writes them in a second round trip.
     */
    private Map<Member, MemberResult> lockApplyAndWrite(Transactions.Tx tx, Script script, List<Member> open,
                                                        int attempt, Set<String> filenames, Set<String> keys,
                                                        Set<String> editSources, Set<Digest> inserted)
            throws SQLException {
        UUID id = open.get(0).request().artifactId();
        HeadRead read = new HeadRead(id);
        switch (locking) {
            case NONE, COMPARE_AND_SET -> Storage.readCounters(script, read);
            case ROW, SPECULATIVE -> Storage.lockAndMoveHead(script, read);
            case ADVISORY -> {
                Storage.advisoryLock(script, id.getMostSignificantBits() ^ id.getLeastSignificantBits());
                Storage.lockAndMoveHead(script, read);
            }
            default -> throw new IllegalStateException(locking.name());
        }
        Storage.readHead(script, read, filenames, keys, editSources); // edits apply to the content read after the lock
        tx.run(script);
        int headVersion = read.counters().head();
        java.sql.Connection c = tx.connection();
        requireWholeRead(c, id, read.rows, read.texts, editSources);
        // a put based on an older version merges with what changed its file since: read under the lock
        HeadState state = read.state(limits, connections.time())
                .merging(merges, FileHistory.readAll(c, id, open, headVersion));
        Map<Member, MemberResult> results = new LinkedHashMap<>();
        for (Member m : open) {
            results.put(m, state.apply(m, attempt, locking.locks()));
        }
        if (state.versions().isEmpty() && state.failures().isEmpty()) {
            tx.rollback(); // nothing to write: undo the head move
            return results;
        }
        boolean manifest = !state.versions().isEmpty() && state.takeManifest();
        Script write = new Script();
        // an edit's result is known only now, under the lock: see "Lock order" in docs/architecture.md
        Storage.insertContents(write, id, state.results());
        Storage.deleteContents(write, id, unreferenced(inserted, open, results));
        // rejections read without the lock are recorded only if the head is still what they were read at
        boolean compareAndSet = locking == Locking.COMPARE_AND_SET || !locking.locks() && !state.failures().isEmpty();
        Storage.write(write, id, compareAndSet ? state.startHead() : null, state, manifest);
        tx.commitWith(write);
        return results;
    }

    /** The contents this attempt stored that no member it writes brought: only rejected members needed them. */
    private static Set<Digest> unreferenced(Set<Digest> inserted, List<Member> open,
                                            Map<Member, MemberResult> results) {
        Set<Digest> out = new HashSet<>(inserted);
        for (Member m : open) {
            if (results.get(m) instanceof MemberResult.Done done && !done.result().deduplicated()) {
                out.removeAll(m.request().change().contents().keySet());
            }
        }
        return out;
    }

    /**
     * Without a lock the reads of one attempt are statements with snapshots of their own: a file row read, then its
     * content gone by the next statement, means the artifact (or the file) was deleted in between. Deleted: the
     * artifact is not found; else the attempt conflicts with that writer and is retried like any conflict.
     */
    private static void requireWholeRead(java.sql.Connection c, UUID id, Map<String, HeadState.FileRow> rows,
                                         Map<String, String> texts, Set<String> editSources) throws SQLException {
        for (String source : editSources) {
            if (rows.containsKey(source) && !texts.containsKey(source)) {
                if (Storage.readHead(c, id) == null) {
                    throw new ArtifactNotFoundException(id);
                }
                throw new SQLException("the file " + source + " changed between the reads of one attempt", "40001");
            }
        }
    }

    /**
     * The speculative path of {@code group-commit}: reads what is stored without the lock, applies the members to
     * it, and sends every write with a compare-and-set of the head in one round trip, so that the row lock is held
     * only while the server runs that round trip and commits, never across a round trip to this process. If another
     * writer moved the head meanwhile, the compare-and-set fails with GL409 and the batch is retried on the locking
     * path. Returns {@code null}, having written nothing, when a member was rejected: a rejection read without the
     * lock proves nothing, so the locking path decides it.
     */
    private Map<Member, MemberResult> speculate(Transactions.Tx tx, Script first, List<Member> open, int attempt,
                                                Set<String> filenames, Set<String> keys, Set<String> editSources)
            throws SQLException {
        UUID id = open.get(0).request().artifactId();
        HeadRead read = new HeadRead(id);
        Storage.readCounters(first, read);
        Storage.readHead(first, read, filenames, keys, editSources);
        tx.run(first);
        int baseHead = read.counters().head();
        // unlocked: a delete may fall between
        requireWholeRead(tx.connection(), id, read.rows, read.texts, editSources);
        // histories read without the lock hold if the compare-and-set does: the head did not move
        HeadState state = read.state(limits, connections.time())
                .merging(merges, FileHistory.readAll(tx.connection(), id, open, baseHead));
        Map<Member, MemberResult> results = new LinkedHashMap<>();
        for (Member m : open) {
            MemberResult r = state.apply(m, attempt, false);
            if (!(r instanceof MemberResult.Done done) || done.result().unchanged()) {
                return null; // "unchanged" read without the lock proves nothing either
            }
            results.put(m, r);
        }
        if (state.versions().isEmpty()) {
            return results; // every member found its key committed: nothing to write, nothing to verify
        }
        boolean manifest = state.takeManifest();
        Script write = new Script();
        // an edit's result is known here before the lock: it keeps the lock order (contents first)
        Storage.insertContents(write, id, state.results());
        Storage.write(write, id, state.startHead(), state, manifest);
        tx.commitWith(write);
        return results;
    }

    /**
     * With an expected version, an unlocked read of the head first fails at once when the head has already moved,
     * rather than queueing for a lock only to fail after it. A replay of an append that landed moved the head
     * itself: that is a duplicate, not a conflict. Returns {@code null} when the expectation still holds.
     */
    private Map<Member, MemberResult> failFastOnStaleExpectation(Transactions.Tx tx, Script first, Member member,
                                                                int attempt) throws SQLException {
        AppendRequest r = member.request();
        UUID id = r.artifactId();
        HeadRead read = new HeadRead(id);
        Storage.readCounters(first, read);
        Storage.readTouched(first, read, List.of(), r.idempotencyKey() == null ? List.of()
                : List.of(r.idempotencyKey()));
        tx.run(first);
        int head = read.counters().head();
        if (head == r.expectedVersion()) {
            return null;
        }
        HeadState.KeyRow done = r.idempotencyKey() == null ? null : read.keys.get(r.idempotencyKey());
        if (done != null) {
            HeadState state = new HeadState(limits, connections.time(), head, 0, 0, 0, Map.of(), read.keys);
            return Map.of(member, state.apply(member, attempt, false));
        }
        return Map.of(member, new MemberResult.Rejected(new VersionConflictException(id, r.expectedVersion(), head),
                false));
    }
}
