package dev.gapless.core.internal;

import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.CodeFile;
import dev.gapless.core.FileInfo;
import dev.gapless.core.FileListing;
import dev.gapless.core.Snapshot;
import dev.gapless.core.Version;
import dev.gapless.core.VersionSummary;
import dev.gapless.core.VersionedFile;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads of the v2 layout; each fails with {@link ArtifactNotFoundException} when the artifact does not exist. The
 * head comes from {@code artifact_files}; an older version is rebuilt from the newest manifest at or before it plus
 * the changes after that manifest (at most about as many as it has files), then the contents it references are
 * fetched once each. Callers run them in a repeatable-read transaction, so that the parts agree. Stateless.
 */
public final class Reader {

    private Reader() {
    }

    /** One version, or the latest when {@code number} is {@code null}; run in a repeatable-read transaction. */
    public static Optional<Version> version(Connection c, UUID id, Integer number) throws SQLException {
        int head = head(c, id);
        if (head == 0) {
            return Optional.empty();
        }
        int k = number == null ? head : number;
        if (k > head) {
            return Optional.empty();
        }
        if (k == head) {
            return Optional.of(headVersion(c, id, Storage.versions(c, id, k, k).get(0)));
        }
        List<Storage.VersionRow> rows = new ArrayList<>();
        Map<String, ChangeJson.Entry> files = filesAt(c, id, k, rows);
        Storage.VersionRow row = rows.isEmpty() ? Storage.versions(c, id, k, k).get(0) : rows.get(rows.size() - 1);
        Set<Digest> needed = new HashSet<>();
        files.values().forEach(e -> needed.add(e.sha256()));
        needed.addAll(ChangeJson.digests(row.change()));
        Map<Digest, String> contents = Storage.contents(c, id, needed);
        List<CodeFile> snapshot = new ArrayList<>(files.size());
        for (ChangeJson.Entry e : files.values()) {
            snapshot.add(new CodeFile(e.info().filename(), e.info().language(), content(contents, e.sha256()),
                    e.info().description()));
        }
        return Optional.of(new Version(id, row.number(), new Snapshot(snapshot),
                ChangeJson.change(row.change(), d -> content(contents, d)), row.summary(), row.key(),
                row.createdAt()));
    }

    /**
     * The files of version {@code k} (not the head), in snapshot order: the newest manifest at or before it plus the
     * changes after that manifest, which are added to {@code applied}.
     */
    static Map<String, ChangeJson.Entry> filesAt(Connection c, UUID id, int k, List<Storage.VersionRow> applied)
            throws SQLException {
        Map.Entry<Integer, String> manifest = Storage.manifestAtOrBefore(c, id, k);
        Map<String, ChangeJson.Entry> files = new LinkedHashMap<>();
        int from = 1;
        if (manifest != null) {
            ChangeJson.manifest(manifest.getValue(), files);
            from = manifest.getKey() + 1;
        }
        List<Storage.VersionRow> rows = from <= k ? Storage.versions(c, id, from, k) : List.of();
        apply(rows, files);
        applied.addAll(rows);
        return files;
    }

    private static Version headVersion(Connection c, UUID id, Storage.VersionRow row) throws SQLException {
        List<CodeFile> snapshot = new ArrayList<>();
        for (Storage.HeadFile f : Storage.headFiles(c, id, null, true)) {
            snapshot.add(new CodeFile(f.info().filename(), f.info().language(), f.content(),
                    f.info().description()));
        }
        Map<Digest, String> contents = Storage.contents(c, id, ChangeJson.digests(row.change()));
        return new Version(id, row.number(), new Snapshot(snapshot),
                ChangeJson.change(row.change(), d -> content(contents, d)), row.summary(), row.key(),
                row.createdAt());
    }

    private static void apply(List<Storage.VersionRow> rows, Map<String, ChangeJson.Entry> files) {
        for (Storage.VersionRow row : rows) {
            for (ChangeJson.Effect e : ChangeJson.effects(row.change())) {
                if (e.put() == null) {
                    files.remove(e.filename());
                } else {
                    files.put(e.filename(), e.put());
                }
            }
        }
    }

    private static String content(Map<Digest, String> contents, Digest digest) {
        String content = contents.get(digest);
        if (content == null) {
            throw new IllegalStateException("stored content " + digest + " is missing");
        }
        return content;
    }

    /** The head's file list without content; run in a repeatable-read transaction. */
    public static FileListing files(Connection c, UUID id) throws SQLException {
        int head = head(c, id);
        List<FileInfo> files = new ArrayList<>();
        for (Storage.HeadFile f : Storage.headFiles(c, id, null, false)) {
            files.add(f.info());
        }
        return new FileListing(head, files);
    }

    /** One file of the head; run in a repeatable-read transaction. */
    public static Optional<VersionedFile> file(Connection c, UUID id, String filename) throws SQLException {
        int head = head(c, id);
        List<Storage.HeadFile> found = Storage.headFiles(c, id, filename, true);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Storage.HeadFile f = found.get(0);
        return Optional.of(new VersionedFile(head, new CodeFile(f.info().filename(), f.info().language(),
                f.content(), f.info().description())));
    }

    /** Every version's summary line, oldest first. */
    public static List<VersionSummary> history(Connection c, UUID id) throws SQLException {
        List<VersionSummary> history = Storage.history(c, id);
        if (history.isEmpty()) {
            head(c, id);
        }
        return history;
    }

    private static int head(Connection c, UUID id) throws SQLException {
        Integer head = Storage.readHead(c, id);
        if (head == null) {
            throw new ArtifactNotFoundException(id);
        }
        return head;
    }
}
