package dev.gapless.chaos;

import dev.gapless.chaos.StoredJson.FileRef;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Rebuilds every version of one artifact from its raw rows: from the empty artifact, content(k) =
 * change(k).apply(content(k-1)) with the contents the change references, using only core's public {@link Change}
 * and {@link Snapshot} semantics. Along the way it checks everything storage v2 derives from that history: each
 * version's summary and {@code file_count}, every manifest, the head's {@code artifact_files} (order included), the
 * artifact's {@code file_count} and {@code total_bytes}, and that every referenced content exists and hashes to its
 * key. After a version that cannot be read (or a gap) the replay resumes at the next manifest. Not thread-safe; one
 * use.
 */
final class HistoryReplay {

    private final StoredArtifact stored;
    private final UUID id;
    private final List<Violation> out;
    /** Contents whose text does not hash to their key, by key. */
    private final Map<String, String> corrupt = new TreeMap<>();
    private Snapshot content = Snapshot.empty();
    /** The replayed head's files as the changes reference them, by name (order is {@link #content}'s). */
    private Map<String, FileRef> refs = new HashMap<>();
    /** Whether {@link #content} is the replayed content of the last version seen. */
    private boolean known = true;
    /** The replayed content after each version whose content is known (0: the empty artifact). */
    private final Map<Integer, Snapshot> snapshots = new HashMap<>();

    HistoryReplay(StoredArtifact stored, List<Violation> out) {
        this.stored = Objects.requireNonNull(stored, "stored");
        this.id = stored.id();
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Replays the history, adding what breaks to the violations.
     *
     * @return each version's stored change with its contents resolved; {@code null} where it cannot be read
     */
    Map<Integer, Change> run() {
        snapshots.put(0, Snapshot.empty());
        stored.contents().forEach((key, text) -> {
            String actual = StoredJson.sha256Hex(text);
            if (!actual.equals(key)) {
                corrupt.put(key, actual);
            }
        });
        corrupt.forEach((key, actual) -> out.add(new Violation(Violation.Rule.CONTENT_MISSING, id, List.of(),
                List.of(), "artifact_contents row " + key + " holds text whose SHA-256 is " + actual)));
        Map<Integer, Change> changes = new TreeMap<>();
        int previous = 0;
        for (StoredArtifact.VersionRow v : stored.versions().values()) {
            int k = v.number();
            if (k != previous + 1) {
                known = false; // a gap, reported by the shape check
            }
            previous = k;
            StoredJson.StoredChange parsed;
            try {
                parsed = StoredJson.parseChange(v.change());
            } catch (IllegalArgumentException e) {
                add(Violation.Rule.CONTENT_NOT_DERIVED, v, "change(" + k + ") is unreadable: " + e.getMessage());
                changes.put(k, null);
                known = false;
                resumeAtManifest(v);
                continue;
            }
            Change change = resolve(v, parsed);
            changes.put(k, change);
            if (known) {
                apply(v, parsed, change);
                checkManifest(v);
            } else {
                resumeAtManifest(v);
            }
            if (known) {
                snapshots.put(k, content);
            }
        }
        checkHead();
        return changes;
    }

    /**
     * The replayed content after version {@code k} (0: before version 1), after {@link #run}.
     *
     * @return the snapshot, or {@code null} where the content is not known (pruned, unreadable, after a gap)
     */
    Snapshot snapshot(int k) {
        return snapshots.get(k);
    }

    private void apply(StoredArtifact.VersionRow v, StoredJson.StoredChange parsed, Change change) {
        int k = v.number();
        Snapshot before = content;
        try {
            content = change.apply(before);
            String summary = change.summary(before);
            if (!summary.equals(v.summary())) {
                add(Violation.Rule.CONTENT_NOT_DERIVED, v, "summary(" + k + ") is '" + v.summary()
                        + "', the change's on content(" + (k - 1) + ") is '" + summary + "'");
            }
        } catch (InvalidChangeException e) {
            add(Violation.Rule.CONTENT_NOT_DERIVED, v, "change(" + k + ") cannot apply to content(" + (k - 1)
                    + "): " + e.getMessage() + "; replay goes on without that leaf");
            content = leniently(before, change);
        }
        applyRefs(parsed);
        if (v.fileCount() != content.size()) {
            add(Violation.Rule.CONTENT_NOT_DERIVED, v, "file_count(" + k + ") is " + v.fileCount()
                    + " but content(" + k + ") has " + content.size() + " files");
        }
    }

    /** Applies {@code change} leaf by leaf, a delete of a missing file doing nothing. */
    private static Snapshot leniently(Snapshot before, Change change) {
        if (change instanceof Change.PutFile put) {
            return before.with(put.file());
        }
        if (change instanceof Change.DeleteFile delete) {
            return before.without(delete.filename());
        }
        Snapshot current = before;
        for (Change inner : ((Change.Batch) change).changes()) {
            current = leniently(current, inner);
        }
        return current;
    }

    private void applyRefs(StoredJson.StoredChange change) {
        if (change instanceof StoredJson.Put put) {
            refs.put(put.file().filename(), put.file());
        } else if (change instanceof StoredJson.Delete delete) {
            refs.remove(delete.filename());
        } else {
            ((StoredJson.Batch) change).changes().forEach(this::applyRefs);
        }
    }

    /** The stored change with the contents it references; missing or mis-sized contents are violations. */
    private Change resolve(StoredArtifact.VersionRow v, StoredJson.StoredChange parsed) {
        Set<String> missing = new java.util.TreeSet<>();
        List<String> damaged = new ArrayList<>();
        Change change = resolve(parsed, missing, damaged);
        if (!missing.isEmpty() || !damaged.isEmpty()) {
            add(Violation.Rule.CONTENT_MISSING, v, "change(" + v.number() + ") references"
                    + (missing.isEmpty() ? "" : " contents that are missing " + missing)
                    + (damaged.isEmpty() ? "" : " contents that do not match " + damaged));
        }
        return change;
    }

    private Change resolve(StoredJson.StoredChange parsed, Set<String> missing, List<String> damaged) {
        if (parsed instanceof StoredJson.Put put) {
            FileRef f = put.file();
            String text = contentOf(f.sha256(), missing, damaged, f.filename());
            if (stored.contents().containsKey(f.sha256()) && StoredJson.utf8Bytes(text) != f.bytes()) {
                damaged.add(f.filename() + ": bytes " + f.bytes() + " but the content has "
                        + StoredJson.utf8Bytes(text));
            }
            CodeFile file = new CodeFile(f.filename(), f.language(), text, f.description());
            return put.base() == Change.PutFile.NO_BASE ? Change.put(file) : Change.put(file, put.base());
        }
        if (parsed instanceof StoredJson.Delete delete) {
            return Change.delete(delete.filename());
        }
        List<Change> inner = new ArrayList<>();
        ((StoredJson.Batch) parsed).changes().forEach(c -> inner.add(resolve(c, missing, damaged)));
        return Change.batch(inner);
    }

    /** The stored text of a digest; a placeholder (and the digest noted) when there is none. */
    private String contentOf(String sha256, Set<String> missing, List<String> damaged, String filename) {
        String text = stored.contents().get(sha256);
        if (text == null) {
            missing.add(sha256);
            return "<missing content " + sha256 + ">";
        }
        if (corrupt.containsKey(sha256)) {
            damaged.add(filename + ": " + sha256 + " holds text hashing to " + corrupt.get(sha256));
        }
        return text;
    }

    private void checkManifest(StoredArtifact.VersionRow v) {
        String json = stored.manifests().get(v.number());
        if (json == null) {
            return;
        }
        List<FileRef> manifest = parseManifest(v, json);
        if (manifest == null) {
            return;
        }
        String diff = diff(expected(), manifest);
        if (diff != null) {
            add(Violation.Rule.CONTENT_NOT_DERIVED, v, "manifest(" + v.number() + ") is not the replayed content("
                    + v.number() + "): " + diff);
        }
        checkReferenced("manifest(" + v.number() + ")", manifest, v);
    }

    /** After an unreadable version or a gap: content(k) is taken from k's manifest, if it has one. */
    private void resumeAtManifest(StoredArtifact.VersionRow v) {
        String json = stored.manifests().get(v.number());
        List<FileRef> manifest = json == null ? null : parseManifest(v, json);
        if (manifest == null) {
            return;
        }
        try {
            List<CodeFile> files = new ArrayList<>();
            Map<String, FileRef> byName = new HashMap<>();
            for (FileRef f : manifest) {
                String text = stored.contents().getOrDefault(f.sha256(), "<missing content " + f.sha256() + ">");
                files.add(new CodeFile(f.filename(), f.language(), text, f.description()));
                byName.put(f.filename(), f);
            }
            content = new Snapshot(files);
            refs = byName;
            known = true;
        } catch (IllegalArgumentException e) {
            add(Violation.Rule.CONTENT_NOT_DERIVED, v, "manifest(" + v.number() + ") is not a snapshot: "
                    + e.getMessage());
            return;
        }
        checkReferenced("manifest(" + v.number() + ")", manifest, v);
        if (v.fileCount() != content.size()) {
            add(Violation.Rule.CONTENT_NOT_DERIVED, v, "file_count(" + v.number() + ") is " + v.fileCount()
                    + " but manifest(" + v.number() + ") has " + content.size() + " files");
        }
    }

    private List<FileRef> parseManifest(StoredArtifact.VersionRow v, String json) {
        try {
            return StoredJson.parseManifest(json);
        } catch (IllegalArgumentException e) {
            add(Violation.Rule.CONTENT_NOT_DERIVED, v, "manifest(" + v.number() + ") is unreadable: "
                    + e.getMessage());
            return null;
        }
    }

    private void checkHead() {
        if (stored.head() == null || !known) {
            return; // no artifact row, or no replayed content: reported already
        }
        int last = stored.versions().isEmpty() ? 0 : stored.versions().lastKey();
        List<FileRef> expected = expected();
        List<FileRef> files = new ArrayList<>();
        StoredArtifact.HeadFile previous = null;
        for (StoredArtifact.HeadFile f : stored.headFiles()) {
            files.add(f.file());
            if (previous != null && previous.addedVersion() == f.addedVersion()
                    && previous.addedIndex() == f.addedIndex()) {
                out.add(new Violation(Violation.Rule.CONTENT_NOT_DERIVED, id, List.of(f.addedVersion()), List.of(),
                        "artifact_files rows " + previous.file().filename() + " and " + f.file().filename()
                                + " share (added_version, added_index) = (" + f.addedVersion() + ", "
                                + f.addedIndex() + "): the snapshot order is undefined"));
            }
            previous = f;
        }
        String diff = diff(expected, files);
        if (diff != null) {
            out.add(new Violation(Violation.Rule.CONTENT_NOT_DERIVED, id, List.of(last), List.of(),
                    "artifact_files is not the replayed content(" + last + "): " + diff));
        }
        long bytes = expected.stream().mapToLong(FileRef::bytes).sum();
        if (stored.fileCount() != expected.size() || stored.totalBytes() != bytes) {
            out.add(new Violation(Violation.Rule.CONTENT_NOT_DERIVED, id, List.of(last), List.of(),
                    "artifacts.file_count/total_bytes are " + stored.fileCount() + "/" + stored.totalBytes()
                            + " but content(" + last + ") has " + expected.size() + " files of " + bytes + " bytes"));
        }
        checkReferenced("artifact_files", files, null);
    }

    /** The replayed content's files as a manifest lists them, in snapshot order. */
    private List<FileRef> expected() {
        List<FileRef> files = new ArrayList<>(content.size());
        for (CodeFile f : content.files()) {
            files.add(refs.get(f.filename()));
        }
        return files;
    }

    private void checkReferenced(String where, List<FileRef> files, StoredArtifact.VersionRow v) {
        Set<String> missing = new java.util.TreeSet<>();
        for (FileRef f : files) {
            if (!stored.contents().containsKey(f.sha256()) || corrupt.containsKey(f.sha256())) {
                missing.add(f.filename() + " " + f.sha256());
            }
        }
        if (!missing.isEmpty()) {
            String detail = where + " references contents that are missing or do not match " + missing;
            if (v == null) {
                out.add(new Violation(Violation.Rule.CONTENT_MISSING, id, List.of(), List.of(), detail));
            } else {
                add(Violation.Rule.CONTENT_MISSING, v, detail);
            }
        }
    }

    /**
     * What differs between two file lists, or {@code null} when they are equal: files lost, unexpected, changed
     * (language, description, digest, size) and, when both hold the same names, the order.
     */
    static String diff(List<FileRef> expected, List<FileRef> actual) {
        if (expected.equals(actual)) {
            return null;
        }
        Map<String, FileRef> want = byName(expected);
        Map<String, FileRef> have = byName(actual);
        List<String> lost = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        want.forEach((name, f) -> {
            FileRef g = have.get(name);
            if (g == null) {
                lost.add(name);
            } else if (!f.equals(g)) {
                changed.add(name + " " + describe(f) + " -> " + describe(g));
            }
        });
        List<String> unexpected = new ArrayList<>(have.keySet());
        unexpected.removeAll(want.keySet());
        List<String> parts = new ArrayList<>();
        if (!lost.isEmpty()) {
            parts.add("lost " + lost);
        }
        if (!unexpected.isEmpty()) {
            parts.add("unexpected " + unexpected);
        }
        if (!changed.isEmpty()) {
            parts.add("changed " + changed);
        }
        if (have.size() != actual.size()) {
            parts.add("a filename listed twice");
        }
        List<String> wantOrder = expected.stream().map(FileRef::filename).toList();
        List<String> haveOrder = actual.stream().map(FileRef::filename).toList();
        if (lost.isEmpty() && unexpected.isEmpty() && have.size() == actual.size() && !wantOrder.equals(haveOrder)) {
            parts.add("order " + haveOrder + ", the replay's " + wantOrder);
        }
        return String.join(", ", parts);
    }

    private static Map<String, FileRef> byName(List<FileRef> files) {
        Map<String, FileRef> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (FileRef f : files) {
            if (seen.add(f.filename())) {
                out.put(f.filename(), f);
            }
        }
        return out;
    }

    private static String describe(FileRef f) {
        return "(" + f.language() + ", '" + f.description() + "', " + f.sha256().substring(0, 12) + "…, "
                + f.bytes() + " B)";
    }

    private void add(Violation.Rule rule, StoredArtifact.VersionRow v, String detail) {
        out.add(new Violation(rule, id, List.of(v.number()), v.key() == null ? List.of() : List.of(v.key()),
                detail));
    }
}
