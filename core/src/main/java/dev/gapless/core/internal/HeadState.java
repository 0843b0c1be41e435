package dev.gapless.core.internal;

import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.FileMerge;
import dev.gapless.core.GaplessException;
import dev.gapless.core.MergeConflictException;
import dev.gapless.core.IdempotencyKeyReusedException;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.VersionConflictException;
import dev.gapless.core.VersionPrunedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The part of an artifact's head that one write touches, read after its lock: the counters, the rows of the files
 * its changes name, and the versions already holding its keys. Members are applied to it in order, each one on a
 * scratch overlay that is kept only if the member is accepted; the result is the versions to insert and the file
 * rows to upsert or delete. Holds only the touched rows, never every file. Not thread-safe.
 */
final class HeadState {

    /** A manifest is written once this many file entries, or the file count if larger, changed since the last. */
    static final int MANIFEST_MIN_CHANGES = 64;

    /**
     * One row of {@code artifact_files}.
     *
     * @param filename     the file
     * @param language     its language
     * @param description  its description
     * @param sha256       the digest of its content
     * @param bytes        the size of its content
     * @param addedVersion the version that (re-)added it: snapshot order
     * @param addedIndex   its leaf index in that version: snapshot order
     */
    record FileRow(String filename, String language, String description, Digest sha256, int bytes, int addedVersion,
                   int addedIndex) {
    }

    /**
     * A version already written with a key this write carries, or the rejection recorded under it.
     *
     * @param version the version (0 for a rejection)
     * @param summary its summary ({@code null} for a rejection)
     * @param request the digest of its change, or {@code null} for a version written before digests were kept
     * @param failure the rejection recorded under the key, or {@code null} when a version holds it
     */
    record KeyRow(int version, String summary, Digest request, Failures.Recorded failure) {

        KeyRow(int version, String summary, Digest request) {
            this(version, summary, request, null);
        }
    }

    /**
     * A rejection to record under its key, in the transaction that found it.
     *
     * @param key     the idempotency key
     * @param request the digest of the change
     * @param failure the rejection
     */
    record FailureRow(String key, Digest request, Failures.Recorded failure) {
    }

    /**
     * A version to insert.
     *
     * @param number    its number
     * @param json      its change as stored
     * @param summary   its summary
     * @param key       its idempotency key, or {@code null}
     * @param fileCount the number of files after it
     * @param request   the digest of its change when it has a key, else {@code null}
     */
    record VersionRow(int number, String json, String summary, String key, int fileCount, Digest request) {
    }

    private final Limits limits;
    private final TimeSource time;
    private final int startHead;
    private int head;
    private int fileCount;
    private long totalBytes;
    private int changesSinceManifest;
    private final Map<String, FileRow> original;
    private final Map<String, FileRow> current;
    private final Map<String, KeyRow> keys;
    /** Every name read or written, by {@link #fold}: the case twins a new name must not have. */
    private final Map<String, Set<String>> byFold = new HashMap<>();
    /** The latest content of the files edits read, as read or as accepted members left them. */
    private final Map<String, String> contents;
    /** The contents the accepted edits produced, to store (in digest order) before the files that use them. */
    private final SortedMap<Digest, String> results = new TreeMap<>();
    private final List<VersionRow> versions = new ArrayList<>();
    private final List<FailureRow> failures = new ArrayList<>();
    private Merges merges = new Merges(null);
    /** The head's content of the files read before any member applied (the base of a put based on the head). */
    private Map<String, String> headContents = Map.of();
    /** What changed the files of based puts since their bases, by {@link FileHistory#key}. */
    private Map<String, FileHistory> histories = Map.of();
    /** The accepted members of this attempt that changed each file, in order. */
    private final Map<String, List<FileHistory.Step>> batchSteps = new HashMap<>();
    /** The change JSON to store of the last member applied without rejection, merges filled in. */
    private String lastStoredJson;
    /** The request JSON of the same member, merged files filled in. */
    private String lastRequestJson;

    /**
     * @param head                 the head version when locked
     * @param fileCount            the artifact's file count
     * @param totalBytes           the artifact's total content size
     * @param changesSinceManifest file entries changed since the last manifest
     * @param rows                 the current rows of the touched files (a touched file without a row does not exist)
     * @param keys                 the versions already written with the write's keys
     */
    HeadState(Limits limits, TimeSource time, int head, int fileCount, long totalBytes, int changesSinceManifest,
              Map<String, FileRow> rows, Map<String, KeyRow> keys) {
        this(limits, time, head, fileCount, totalBytes, changesSinceManifest, rows, keys, Map.of());
    }

    /**
     * @param contents the latest content of the files the write's edits read ({@link PreparedChange#editSources})
     */
    HeadState(Limits limits, TimeSource time, int head, int fileCount, long totalBytes, int changesSinceManifest,
              Map<String, FileRow> rows, Map<String, KeyRow> keys, Map<String, String> contents) {
        this.limits = limits;
        this.time = time;
        this.startHead = head;
        this.head = head;
        this.fileCount = fileCount;
        this.totalBytes = totalBytes;
        this.changesSinceManifest = changesSinceManifest;
        this.original = Map.copyOf(rows);
        this.current = new HashMap<>(rows);
        this.keys = new HashMap<>(keys);
        this.contents = new HashMap<>(contents);
        rows.keySet().forEach(this::indexFold);
    }

    /**
     * A name with ASCII letters in lower case: two names with the same fold are one file on a case-insensitive file
     * system ({@code main.cpp}, {@code MAIN.CPP}). {@code gapless_fold} in SQL is the same function, and
     * {@code artifact_files} is indexed by it.
     */
    static String fold(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = new StringBuilder(name);
                }
                out.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return out == null ? name : out.toString();
    }

    private void indexFold(String name) {
        byFold.computeIfAbsent(fold(name), k -> new HashSet<>()).add(name);
    }

    /**
     * The existing file (the least name, if several) whose name differs from {@code name} only in case, other than
     * {@code except} (a move's source: a move may change only the case of a name), or null.
     */
    private String twin(String name, String except, Map<String, FileRow> overlay) {
        String found = null;
        for (String other : byFold.getOrDefault(fold(name), Set.of())) {
            boolean exists = overlay.containsKey(other) ? overlay.get(other) != null : current.get(other) != null;
            boolean twin = exists && !other.equals(name) && !other.equals(except);
            if (twin && (found == null || other.compareTo(found) < 0)) {
                found = other;
            }
        }
        return found;
    }

    /**
     * Lets based puts merge: the merge engine, and what changed their files since their bases.
     *
     * @param merges    the merge engine
     * @param histories the histories of the based puts whose base is older than the head, by {@link FileHistory#key}
     * @return this state
     */
    HeadState merging(Merges merges, Map<String, FileHistory> histories) {
        this.merges = merges;
        this.histories = Map.copyOf(histories);
        this.headContents = Map.copyOf(contents);
        return this;
    }

    /**
     * Applies one member on top of the members accepted before it.
     *
     * @param keyUnderLock whether the keys were read under the artifact's lock (see {@link MemberResult.Rejected})
     * @return {@link MemberResult.Done} (written or deduplicated) or {@link MemberResult.Rejected}
     */
    MemberResult apply(Member member, int attempt, boolean keyUnderLock) {
        AppendRequest r = member.request();
        String key = r.idempotencyKey();
        KeyRow done = key == null ? null : keys.get(key);
        if (done != null) {
            if (done.request() != null && !done.request().equals(r.change().digest())) {
                return new MemberResult.Rejected(new IdempotencyKeyReusedException(r.artifactId(), key,
                        done.version()), keyUnderLock);
            }
            if (done.failure() != null) {
                // a committed record: what the first call met, whoever reads it and however
                return new MemberResult.Rejected(Failures.replay(done.failure()), true);
            }
            return new MemberResult.Done(member.result(done.version(), done.summary(), attempt, true));
        }
        MemberResult result = applyChange(member, attempt, keyUnderLock);
        Failures.Recorded recorded = key != null && result instanceof MemberResult.Rejected rejected
                ? Failures.recordable(rejected.failure()) : null;
        if (recorded != null) {
            failures.add(new FailureRow(key, r.change().digest(), recorded));
            keys.put(key, new KeyRow(0, null, r.change().digest(), recorded));
        }
        return result;
    }

    /** Applies a member whose key (if any) is not spent yet. */
    private MemberResult applyChange(Member member, int attempt, boolean keyUnderLock) {
        AppendRequest r = member.request();
        if (r.expectedVersion() != null && r.expectedVersion() != head) {
            return new MemberResult.Rejected(new VersionConflictException(r.artifactId(), r.expectedVersion(), head),
                    keyUnderLock);
        }
        if (!time.instant().isBefore(r.deadline())) {
            return new MemberResult.Rejected(new AppendTimeoutException(r.timeout(), null, null), keyUnderLock);
        }
        int number = head + 1;
        String at = "version " + head;
        Map<String, FileRow> overlay = new HashMap<>();
        Map<String, String> edited = new HashMap<>();
        Map<Integer, FileRow> produced = new HashMap<>();
        Map<Digest, String> made = new HashMap<>();
        Map<Integer, Integer> mergedOnto = new HashMap<>();
        List<FileMerge> fileMerges = new ArrayList<>();
        boolean unchanged = true;
        long files = fileCount;
        long bytes = totalBytes;
        StringBuilder summary = new StringBuilder();
        List<PreparedChange.Leaf> leaves = r.change().leaves();
        for (int i = 0; i < leaves.size(); i++) {
            PreparedChange.Leaf leaf = leaves.get(i);
            String name = leaf.filename();
            FileRow before = overlay.containsKey(name) ? overlay.get(name) : current.get(name);
            String part;
            FileRow after;
            if (leaf instanceof PreparedChange.Put put) {
                if (put.createVerb() != null && before != null) {
                    return new MemberResult.Rejected(TextEdits.fileExists(put.createVerb(), name, at), keyUnderLock);
                }
                String twin = before == null ? twin(name, null, overlay) : null;
                if (twin != null) {
                    return new MemberResult.Rejected(TextEdits.caseTwin(put.createVerb() == null ? "add"
                            : put.createVerb(), name, twin, at), keyUnderLock);
                }
                String content = put.file().content();
                Digest sha = put.sha256();
                int size = put.bytes();
                if (put.hasBase() && !edited.containsKey(name)) {
                    Merges.Merged merged;
                    try {
                        merged = merge(put, r.artifactId());
                    } catch (GaplessException e) {
                        return new MemberResult.Rejected(e, keyUnderLock);
                    }
                    if (merged != null) {
                        fileMerges.add(merged.merge());
                        mergedOnto.put(i, head);
                        content = merged.text();
                        byte[] utf8 = content.getBytes(StandardCharsets.UTF_8);
                        if (utf8.length > limits.maxFileBytes()) {
                            return new MemberResult.Rejected(TextEdits.resultTooLarge(name, utf8.length,
                                    limits.maxFileBytes()), keyUnderLock);
                        }
                        sha = Digest.of(utf8);
                        size = utf8.length;
                        made.put(sha, content);
                    }
                }
                after = new FileRow(name, put.file().language(), put.file().description(), sha, size,
                        before == null ? number : before.addedVersion(), before == null ? i : before.addedIndex());
                if (mergedOnto.containsKey(i)) {
                    produced.put(i, after);
                }
                unchanged &= put.createVerb() == null && before != null && before.sha256().equals(sha)
                        && Objects.equals(before.language(), after.language())
                        && Objects.equals(before.description(), after.description());
                edited.put(name, content);
                part = Summaries.put(name, before != null);
            } else if (leaf instanceof PreparedChange.Edit edit) {
                unchanged = false;
                String source = edit.source();
                FileRow from = overlay.containsKey(source) ? overlay.get(source) : current.get(source);
                if (from == null) {
                    return new MemberResult.Rejected(TextEdits.noSuchFile(edit.verb(), source, at), keyUnderLock);
                }
                if (!source.equals(name) && before != null) {
                    return new MemberResult.Rejected(TextEdits.fileExists("move '" + source + "' to", name, at),
                            keyUnderLock);
                }
                String twin = !source.equals(name) ? twin(name, source, overlay) : null;
                if (twin != null) {
                    return new MemberResult.Rejected(TextEdits.caseTwin("move '" + source + "' to", name, twin, at),
                            keyUnderLock);
                }
                String text = edited.containsKey(source) ? edited.get(source) : contents.get(source);
                if (text == null) {
                    throw new IllegalStateException("the content of '" + source + "' was not read before its edit");
                }
                String result;
                int count = 0;
                try {
                    if (edit.op() instanceof PreparedChange.Replace op) {
                        TextEdits.Replaced replaced = TextEdits.replace(text, op.oldText(), op.newText(), op.all(),
                                source, at);
                        result = replaced.text();
                        count = replaced.count();
                    } else if (edit.op() instanceof PreparedChange.Insert op) {
                        result = TextEdits.insert(text, op.afterLine(), op.text(), source, at);
                    } else {
                        // abandoned at the deadline: the artifact's lock is not held past it for a costly patch
                        result = V4a.apply(text, ((PreparedChange.Hunks) edit.op()).hunks(), source, at,
                                () -> !time.instant().isBefore(r.deadline()));
                    }
                } catch (InvalidChangeException e) {
                    return new MemberResult.Rejected(e, keyUnderLock);
                } catch (V4a.Overdue e) {
                    return new MemberResult.Rejected(new AppendTimeoutException(r.timeout(), null, null),
                            keyUnderLock);
                }
                byte[] utf8 = result.getBytes(StandardCharsets.UTF_8);
                if (utf8.length > limits.maxFileBytes()) {
                    return new MemberResult.Rejected(TextEdits.resultTooLarge(name, utf8.length,
                            limits.maxFileBytes()), keyUnderLock);
                }
                Digest sha = Digest.of(utf8);
                after = new FileRow(name, from.language(), from.description(), sha, utf8.length,
                        before == null ? number : before.addedVersion(), before == null ? i : before.addedIndex());
                edited.put(name, result);
                produced.put(i, after);
                made.put(sha, result);
                part = TextEdits.editSummary(name, count);
            } else {
                unchanged = false;
                if (before == null) {
                    return new MemberResult.Rejected(TextEdits.noSuchFile("delete", name, at), keyUnderLock);
                }
                after = null;
                edited.put(name, null);
                part = Summaries.removed(name);
            }
            overlay.put(name, after);
            indexFold(name);
            files += (after == null ? 0 : 1) - (before == null ? 0 : 1);
            bytes += (after == null ? 0 : after.bytes()) - (before == null ? 0 : before.bytes());
            String label = leaf.label() == null ? part : leaf.label();
            if (!label.isEmpty()) {
                summary.append(summary.isEmpty() ? "" : "; ").append(label);
            }
        }
        lastStoredJson = ChangeJson.stored(r.change(), produced, mergedOnto);
        lastRequestJson = ChangeJson.requestWithMerges(r.change(), produced, mergedOnto);
        if (unchanged) {
            // every put is the head's file already: no version (a key is not recorded, so a replay does the same)
            return new MemberResult.Done(member.result(head, summary.toString(), attempt, false, true, fileMerges));
        }
        if (files > limits.maxFiles() && files > fileCount) {
            return new MemberResult.Rejected(limits.tooManyFiles(files), keyUnderLock);
        }
        if (bytes > limits.maxArtifactBytes() && bytes > totalBytes) {
            return new MemberResult.Rejected(limits.tooLarge(bytes), keyUnderLock);
        }
        current.putAll(overlay);
        edited.forEach((name, text) -> {
            if (text == null) {
                contents.remove(name);
            } else {
                contents.put(name, text);
            }
        });
        results.putAll(made);
        for (String name : edited.keySet()) {
            batchSteps.computeIfAbsent(name, n -> new ArrayList<>())
                    .add(new FileHistory.Step(number, r.idempotencyKey(), edited.get(name)));
        }
        head = number;
        fileCount = (int) files;
        totalBytes = bytes;
        changesSinceManifest += leaves.size();
        String text = summary.toString();
        // the change's digest matters only to tell a replay of a keyed append from a reuse of its key
        versions.add(new VersionRow(number, lastStoredJson, text,
                r.idempotencyKey(),
                fileCount,
                r.idempotencyKey() == null ? null : r.change().digest()));
        if (r.idempotencyKey() != null) {
            keys.put(r.idempotencyKey(), new KeyRow(number, text, r.change().digest()));
        }
        return new MemberResult.Done(member.result(number, text, attempt, false, false, fileMerges));
    }

    /**
     * The merge of a based put onto what changed its file since the base (in the database, then by the members of
     * this attempt accepted before it), or {@code null} when nothing did: then it is written as it is.
     *
     * @throws InvalidChangeException when the base is newer than the head
     * @throws MergeConflictException when it cannot be merged
     */
    private Merges.Merged merge(PreparedChange.Put put, UUID artifactId) {
        String name = put.filename();
        if (put.base() > head) {
            throw new InvalidChangeException(InvalidChangeException.Reason.INVALID_FIELD, "the base version "
                    + put.base() + " of '" + name + "' is newer than the artifact's head, version " + head);
        }
        List<FileHistory.Step> steps = new ArrayList<>();
        String baseText;
        if (put.base() < startHead) {
            FileHistory history = histories.get(FileHistory.key(name, put.base()));
            if (history == null) {
                throw new IllegalStateException("the history of '" + name + "' since version " + put.base()
                        + " was not read before its put");
            }
            if (history.pruned() > 0) {
                throw new VersionPrunedException(artifactId, put.base(), history.pruned());
            }
            baseText = history.baseText();
            steps.addAll(history.steps());
            if (history.steps().isEmpty() && batchSteps.containsKey(name)) {
                baseText = headContents.get(name); // unchanged up to the head read: the base is the head's file
            }
        } else {
            baseText = headContents.get(name);
        }
        steps.addAll(batchSteps.getOrDefault(name, List.of())); // all newer than the head read, so than the base
        if (steps.isEmpty()) {
            return null;
        }
        return merges.merge(name, put.base(), head, baseText, put.file().content(), steps);
    }

    /** @return the request JSON, merged files filled in, of the last member that was not rejected */
    String lastRequestJson() {
        return lastRequestJson;
    }

    /** The contents the accepted members' edits produced, in digest order: to store before the file rows. */
    SortedMap<Digest, String> results() {
        return results;
    }

    /** The versions the accepted members write, in order. */
    List<VersionRow> versions() {
        return versions;
    }

    /**
     * The rejections of keyed members to record under their keys, in order: valid only where the head was read
     * under the lock or is compare-and-set when they are written.
     */
    List<FailureRow> failures() {
        return failures;
    }

    int startHead() {
        return startHead;
    }

    int head() {
        return head;
    }

    int fileCount() {
        return fileCount;
    }

    long totalBytes() {
        return totalBytes;
    }

    /**
     * Whether the head version gets a manifest: once the entries changed since the last one reach the file count
     * (at least {@value #MANIFEST_MIN_CHANGES}), so that reading any version costs one manifest plus at most about
     * as many changes as it has files. Resets the count when it says yes.
     */
    boolean takeManifest() {
        if (changesSinceManifest >= Math.max(MANIFEST_MIN_CHANGES, fileCount)) {
            changesSinceManifest = 0;
            return true;
        }
        return false;
    }

    int changesSinceManifest() {
        return changesSinceManifest;
    }

    /** The rows whose final state differs from what was read: to upsert. */
    List<FileRow> upserts() {
        List<FileRow> out = new ArrayList<>();
        current.forEach((name, row) -> {
            if (row != null && !row.equals(original.get(name))) {
                out.add(row);
            }
        });
        return out;
    }

    /** The files that existed and no longer do: to delete. */
    List<String> deletes() {
        Set<String> out = new HashSet<>();
        original.forEach((name, row) -> {
            if (current.get(name) == null) {
                out.add(name);
            }
        });
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "HeadState[head=" + head + ", files=" + fileCount + ", bytes=" + totalBytes + ", touched="
                + current.keySet() + "]";
    }
}
