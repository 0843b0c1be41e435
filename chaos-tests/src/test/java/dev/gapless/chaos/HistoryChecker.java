package dev.gapless.chaos;

import dev.gapless.core.Change;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Checks a run from the database alone (raw rows, read without core's reader: {@link StoredArtifact}) plus the
 * writers' own records of what they were told:
 * <ul>
 *   <li>the versions of every artifact are exactly 1..head and {@code head_version} is the highest; after a prune,
 *   a contiguous run from at or before the oldest kept version to the head, starting with a manifest (the replay
 *   resumes there), and the acknowledged appends below the first stored version count as pruned, not lost;</li>
 *   <li>every version rebuilt from the empty artifact, content(k) = apply(change(k), content(k-1)), and what
 *   storage keeps beside the changes agrees with that replay: summaries, file counts, manifests, the head's files
 *   and counters, contents that hash to their keys ({@link HistoryReplay});</li>
 *   <li>each idempotency key at most once;</li>
 *   <li>every acknowledged append present exactly once, at the acknowledged version, with the change sent;</li>
 *   <li>no version that no writer attempted; no version of an append reported failed;</li>
 *   <li>every append whose outcome was unknown resolved by a later call with the same key;</li>
 *   <li>no append finally rejected for other than an expected reason (a lost write).</li>
 * </ul>
 * Appends are matched to versions by idempotency key; keyless appends by their change (writers make each change
 * unique); a stored change is compared with its contents resolved. Thread-safety: stateless apart from its configuration; safe to share.
 */
final class HistoryChecker {

    /**
     * Final failures that are the right answer, not a lost write: deleting a file that is not there, a whole-file
     * write whose changes overlap what others changed since its base, or whose base a prune removed (their absence is
     * checked like any rejection's).
     */
    static final Predicate<String> EXPECTED_REJECTIONS = c -> c.equals("InvalidChangeException.NO_SUCH_FILE")
            || c.equals("MergeConflictException") || c.equals("VersionPrunedException");

    private final DataSource dataSource;
    private final Predicate<String> expectedRejections;

    HistoryChecker(DataSource dataSource) {
        this(dataSource, EXPECTED_REJECTIONS);
    }

    HistoryChecker(DataSource dataSource, Predicate<String> expectedRejections) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.expectedRejections = Objects.requireNonNull(expectedRejections, "expectedRejections");
    }

    /** A stored version as read back: its change with contents resolved ({@code null} when unreadable). */
    private record Stored(int number, Change change, String summary, String key) {
    }

    /**
     * Checks the given artifacts and every artifact the records name.
     *
     * @return the violations, empty when the run kept every invariant
     */
    List<Violation> check(Collection<UUID> artifacts, Collection<AppendRecord> records) {
        Set<UUID> ids = new LinkedHashSet<>(artifacts);
        Map<UUID, List<AppendRecord>> byArtifact = new LinkedHashMap<>();
        for (AppendRecord r : records) {
            ids.add(r.artifactId());
            byArtifact.computeIfAbsent(r.artifactId(), k -> new ArrayList<>()).add(r);
        }
        List<Violation> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (UUID id : ids) {
                checkArtifact(StoredArtifact.read(c, id), byArtifact.getOrDefault(id, List.of()), out);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("checker could not read the history", e);
        }
        return out;
    }

    private void checkArtifact(StoredArtifact stored, List<AppendRecord> records, List<Violation> out) {
        UUID id = stored.id();
        int head = stored.head() == null ? 0 : stored.head();
        if (stored.head() == null) {
            out.add(new Violation(Violation.Rule.HEAD_NOT_MAX, id, List.of(), List.of(), "artifact row is missing"));
        }
        checkShape(id, head, stored.oldest(), stored.versions().navigableKeySet(), stored.manifests().keySet(), out);
        HistoryReplay replay = new HistoryReplay(stored, out);
        Map<Integer, Change> changes = replay.run();
        TreeMap<Integer, Stored> versions = new TreeMap<>();
        stored.versions().forEach((n, v) -> versions.put(n, new Stored(n, changes.get(n), v.summary(), v.key())));
        checkKeys(id, versions, out);
        int first = versions.isEmpty() ? 1 : versions.firstKey();
        checkRecords(id, versions, records.stream().filter(r -> !pruned(r, first)).toList(), new MergeOracle(replay),
                out);
    }

    /** Whether a record's append was acknowledged at a version that a prune has since removed. */
    private static boolean pruned(AppendRecord r, int firstStored) {
        return r.last() instanceof Outcome.Acked a && a.version() < firstStored;
    }

    private static void checkShape(UUID id, int head, int oldest, NavigableSet<Integer> numbers,
                                   Set<Integer> manifests, List<Violation> out) {
        int max = numbers.isEmpty() ? 0 : numbers.last();
        // a pruned prefix: the versions start at or before the oldest kept one, with a manifest to start from
        int first = oldest > 1 && !numbers.isEmpty() ? Math.min(oldest, numbers.first()) : 1;
        if (first > 1 && !manifests.contains(first)) {
            out.add(new Violation(Violation.Rule.NOT_CONTIGUOUS, id, List.of(first), List.of(),
                    "the history was pruned to version " + oldest + " but its first stored version " + first
                    + " has no manifest: it cannot be rebuilt"));
        }
        List<Integer> missing = new ArrayList<>();
        for (int k = first; k <= max; k++) {
            if (!numbers.contains(k)) {
                missing.add(k);
            }
        }
        List<Integer> outOfRange = numbers.stream().filter(n -> n < 1).toList();
        if (!missing.isEmpty() || !outOfRange.isEmpty()) {
            List<Integer> involved = new ArrayList<>(missing);
            involved.addAll(outOfRange);
            out.add(new Violation(Violation.Rule.NOT_CONTIGUOUS, id, involved, List.of(),
                    "versions are not exactly " + first + ".." + max + ": missing " + missing + ", out of range " + outOfRange));
        }
        if (head != max) {
            out.add(new Violation(Violation.Rule.HEAD_NOT_MAX, id, List.of(head, max), List.of(),
                    "head_version is " + head + " but the highest version is " + max));
        }
    }

    private static void checkKeys(UUID id, TreeMap<Integer, Stored> versions, List<Violation> out) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (Stored v : versions.values()) {
            if (v.key() != null) {
                byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v.number());
            }
        }
        byKey.forEach((key, numbers) -> {
            if (numbers.size() > 1) {
                out.add(new Violation(Violation.Rule.KEY_REPEATED, id, numbers, List.of(key),
                        "idempotency key stored " + numbers.size() + " times"));
            }
        });
    }

    private void checkRecords(UUID id, TreeMap<Integer, Stored> versions, List<AppendRecord> records,
                              MergeOracle merges, List<Violation> out) {
        Map<String, AppendRecord> keyed = new HashMap<>();
        Map<Change, List<AppendRecord>> keyless = new HashMap<>();
        for (AppendRecord r : records) {
            checkCalls(id, r, out);
            if (r.key() != null) {
                AppendRecord earlier = keyed.put(r.key(), r);
                if (earlier != null) {
                    throw new IllegalArgumentException("two writers' records share key " + r.key()
                            + "; keys must identify one logical append");
                }
            } else {
                keyless.computeIfAbsent(r.change(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, List<Stored>> storedByKey = new HashMap<>();
        Map<Change, List<Stored>> storedKeyless = new HashMap<>();
        for (Stored v : versions.values()) {
            if (v.key() != null) {
                storedByKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
                AppendRecord r = keyed.get(v.key());
                if (r == null) {
                    out.add(new Violation(Violation.Rule.NOT_ATTEMPTED, id, List.of(v.number()), List.of(v.key()),
                            "no writer attempted an append with this key"));
                } else if (v.change() != null) {
                    MergeOracle.Expected expected = merges.stored(r.change(), v.number());
                    if (expected instanceof MergeOracle.Conflict conflict) {
                        out.add(new Violation(Violation.Rule.MERGE_NOT_DERIVED, id, List.of(v.number()),
                                List.of(v.key()), "op " + r.op() + " is stored though " + conflict.why()));
                    } else if (expected instanceof MergeOracle.Known known && !known.change().equals(v.change())) {
                        out.add(new Violation(known.change().equals(r.change()) ? Violation.Rule.NOT_ATTEMPTED
                                : Violation.Rule.MERGE_NOT_DERIVED, id, List.of(v.number()), List.of(v.key()),
                                "stored change " + v.change() + " is not the one op " + r.op() + " sent"
                                + (known.change().equals(r.change()) ? "" : " merged as the rule says, "
                                + known.change()) + ": " + r.change()));
                    }
                }
            } else if (v.change() != null) { // an unreadable change is reported by the replay
                storedKeyless.computeIfAbsent(v.change(), k -> new ArrayList<>()).add(v);
            }
        }
        for (AppendRecord r : keyed.values()) {
            checkPresence(id, r, List.of(r), storedByKey.getOrDefault(r.key(), List.of()), out);
            if (r.last() instanceof Outcome.Acked a && a.unchanged()) {
                String wrong = merges.unchangedAt(r.change(), a.version());
                if (wrong != null) {
                    out.add(new Violation(Violation.Rule.MERGE_NOT_DERIVED, id, List.of(a.version()),
                            keyList(r.key()), "op " + r.op() + " (" + r.strategy() + ") was acknowledged as unchanged"
                            + " at version " + a.version() + " but " + wrong));
                }
            }
        }
        keyless.forEach((change, rs) -> checkPresence(id, rs.get(0), rs,
                storedKeyless.getOrDefault(change, List.of()), out));
        storedKeyless.forEach((change, vs) -> {
            if (!keyless.containsKey(change)) {
                out.add(new Violation(Violation.Rule.NOT_ATTEMPTED, id, numbers(vs), List.of(),
                        "no writer attempted a keyless append of " + change));
            }
        });
    }

    /** Per call sequence: a deduplicated acknowledgement needs an earlier call that may have written it. */
    private static void checkCalls(UUID id, AppendRecord r, List<Violation> out) {
        boolean mayHaveWritten = false;
        for (int i = 0; i < r.tries().size(); i++) {
            Outcome t = r.tries().get(i);
            // on the first call, deduplicated is legitimate: the store's own retry found its earlier attempt
            if (t instanceof Outcome.Acked a && a.deduplicated() && !mayHaveWritten && i > 0) {
                out.add(new Violation(Violation.Rule.FAILED_BUT_WRITTEN, id, List.of(a.version()),
                        keyList(r.key()), "op " + r.op() + " (" + r.strategy() + "): earlier calls " + r.tries()
                        + " all reported failure with nothing written, yet a retry found version " + a.version()
                        + " written with its key"));
            }
            if (t instanceof Outcome.Unknown || t instanceof Outcome.Acked) {
                mayHaveWritten = true;
            }
        }
    }

    /**
     * The appends in {@code rs} (one keyed append, or all keyless appends of one change) against the versions that
     * carry them.
     */
    private void checkPresence(UUID id, AppendRecord first, List<AppendRecord> rs, List<Stored> stored,
                               List<Violation> out) {
        int acked = 0;
        int unknown = 0;
        List<String> ops = new ArrayList<>();
        for (AppendRecord r : rs) {
            ops.add(r.key() != null ? r.key() : r.op());
            Outcome last = r.last();
            if (last instanceof Outcome.Acked a && a.unchanged()) {
                // this call wrote nothing (checked against the head it found, in checkRecords); an earlier call whose
                // outcome was unknown may have written the change, which is why the head already had it
                if (r.hadUnknown()) {
                    unknown++;
                }
                continue;
            } else if (last instanceof Outcome.Acked a) {
                acked++;
                boolean there = stored.stream().anyMatch(v -> v.number() == a.version());
                if (!stored.isEmpty() && !there) {
                    out.add(new Violation(Violation.Rule.ACKED_WRONG_VERSION, id,
                            concat(a.version(), numbers(stored)), keyList(r.key()), "op " + r.op() + " ("
                            + r.strategy() + ") was acknowledged as version " + a.version() + " but is stored as "
                            + numbers(stored)));
                }
            } else if (last instanceof Outcome.Unknown u) {
                unknown++;
                out.add(new Violation(Violation.Rule.UNKNOWN_UNRESOLVED, id, numbers(stored), keyList(r.key()),
                        "op " + r.op() + " (" + r.strategy() + ") ended with an unknown outcome (" + u.errorClass()
                        + ") after calls " + r.tries()));
            } else {
                Outcome.Failed f = (Outcome.Failed) last;
                if (!expectedRejections.test(f.errorClass())) {
                    out.add(new Violation(Violation.Rule.LOST_WRITE, id, numbers(stored), keyList(r.key()),
                            "op " + r.op() + " (" + r.strategy() + ") was finally rejected with " + f.errorClass()
                            + " after calls " + r.tries()));
                }
            }
        }
        int present = stored.size();
        if (present < acked) {
            out.add(new Violation(Violation.Rule.ACKED_MISSING, id, numbers(stored), ops, acked
                    + " acknowledged append(s) of " + describe(first) + " but " + present + " version(s) carry it"));
        } else if (present > acked + unknown) {
            boolean attempted = acked > 0;
            out.add(new Violation(attempted ? Violation.Rule.PRESENT_MORE_THAN_ONCE : Violation.Rule.FAILED_BUT_WRITTEN,
                    id, numbers(stored), ops, present + " version(s) carry " + describe(first) + " but only "
                    + acked + " call(s) acknowledged it and " + unknown + " ended unknown; calls: "
                    + rs.stream().map(AppendRecord::tries).toList()));
        }
    }

    private static String describe(AppendRecord r) {
        return "op " + r.op() + " (" + r.strategy() + ", writer " + r.writer() + ", key " + r.key() + ")";
    }

    private static List<Integer> numbers(List<Stored> stored) {
        return stored.stream().map(Stored::number).toList();
    }

    private static List<Integer> concat(int first, List<Integer> rest) {
        List<Integer> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static List<String> keyList(String key) {
        return key == null ? List.of() : List.of(key);
    }
}
