package dev.gapless.core.internal;

import dev.gapless.core.ArtifactNotFoundException;
import dev.gapless.core.ChangedFile;
import dev.gapless.core.CheckoutSink;
import dev.gapless.core.CodeFile;
import dev.gapless.core.FileInfo;
import dev.gapless.core.VersionDiff;
import dev.gapless.core.VersionPrunedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reads of a version's file list without contents, and what is built on it: checkout in bounded memory, and the
 * files that differ between two versions (reading only those). Every method runs in the caller's repeatable-read
 * transaction and fails with {@link ArtifactNotFoundException} or {@link VersionPrunedException}. Stateless.
 */
public final class VersionFiles {

    /** Contents fetched per query while checking out: bounds the memory a checkout holds. */
    static final int CHECKOUT_CHUNK = 128;

    private VersionFiles() {
    }

    /** The head, the oldest kept version, of an artifact that must exist. */
    record Span(int head, int oldest) {
    }

    static Span span(Connection c, UUID id) throws SQLException {
        Integer head = Storage.readHead(c, id);
        if (head == null) {
            throw new ArtifactNotFoundException(id);
        }
        return new Span(head, Lifecycle.oldestKept(c, id));
    }

    /** Fails when {@code version} (from 1) was pruned. */
    static void requireKept(UUID id, Span span, int version) {
        if (version >= 1 && version < span.oldest()) {
            throw new VersionPrunedException(id, version, span.oldest());
        }
    }

    /**
     * The metadata of version {@code k}'s files, in snapshot order; only those named in {@code names} unless it is
     * {@code null}.
     */
    static Map<String, ChangeJson.Entry> entries(Connection c, UUID id, int k, int head, Set<String> names)
            throws SQLException {
        Map<String, ChangeJson.Entry> files = new LinkedHashMap<>();
        if (k == 0) {
            return files;
        }
        if (k == head) {
            headEntries(c, id, names, files);
            return files;
        }
        int from = 1;
        try (PreparedStatement select = c.prepareStatement("SELECT m.version_number, coalesce(jsonb_agg(e.value"
                + " ORDER BY e.ord) FILTER (WHERE e.value IS NOT NULL AND (?::text[] IS NULL"
                + " OR e.value ->> 0 = ANY (?::text[]))), '[]'::jsonb)::text"
                + " FROM (SELECT version_number, files FROM artifact_manifests WHERE artifact_id = ?"
                + " AND version_number <= ? ORDER BY version_number DESC LIMIT 1) m"
                + " LEFT JOIN LATERAL jsonb_array_elements(m.files) WITH ORDINALITY AS e(value, ord) ON true"
                + " GROUP BY m.version_number")) {
            String[] filter = names == null ? null : names.toArray(String[]::new);
            select.setObject(1, filter);
            select.setObject(2, filter);
            select.setObject(3, id);
            select.setInt(4, k);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    from = rows.getInt(1) + 1;
                    ChangeJson.manifest(rows.getString(2), files);
                }
            }
        }
        if (from <= k) {
            for (Storage.VersionRow row : Storage.versions(c, id, from, k)) {
                for (ChangeJson.Effect e : ChangeJson.effects(row.change())) {
                    if (names != null && !names.contains(e.filename())) {
                        continue;
                    }
                    if (e.put() == null) {
                        files.remove(e.filename());
                    } else {
                        files.put(e.filename(), e.put());
                    }
                }
            }
        }
        return files;
    }

    private static void headEntries(Connection c, UUID id, Set<String> names, Map<String, ChangeJson.Entry> into)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT filename, language, description, sha256, bytes"
                + " FROM artifact_files WHERE artifact_id = ?"
                + (names == null ? "" : " AND filename = ANY (?::text[])")
                + " ORDER BY added_version, added_index")) {
            select.setObject(1, id);
            if (names != null) {
                select.setObject(2, names.toArray(String[]::new));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    into.put(name, new ChangeJson.Entry(new FileInfo(name, rows.getString(2), rows.getString(3),
                            rows.getLong(5)), Digest.ofBytes(rows.getBytes(4))));
                }
            }
        }
    }

    /** The names of the files that the changes of versions {@code (from, to]} touched. */
    static Set<String> touched(Connection c, UUID id, int from, int to) throws SQLException {
        Set<String> names = new HashSet<>();
        if (from >= to) {
            return names;
        }
        for (Storage.VersionRow row : Storage.versions(c, id, from + 1, to)) {
            for (ChangeJson.Effect e : ChangeJson.effects(row.change())) {
                names.add(e.filename());
            }
        }
        return names;
    }

    /**
     * Streams version {@code number}'s files (the head when {@code null}) to {@code sink}, a bounded chunk of
     * contents at a time.
     *
     * @return the version checked out (0 for an artifact with no version, when nothing is sent)
     */
    public static int checkout(Connection c, UUID id, Integer number, CheckoutSink sink) throws SQLException {
        Span span = span(c, id);
        int k = number == null ? span.head() : number;
        requireKept(id, span, k);
        if (k > span.head()) {
            throw new IllegalArgumentException("artifact " + id + " has no version " + k + "; its head is "
                    + span.head());
        }
        List<ChangeJson.Entry> entries = new ArrayList<>(entries(c, id, k, span.head(), null).values());
        for (int i = 0; i < entries.size(); i += CHECKOUT_CHUNK) {
            List<ChangeJson.Entry> chunk = entries.subList(i, Math.min(entries.size(), i + CHECKOUT_CHUNK));
            Map<Digest, String> contents = Storage.contents(c, id, chunk.stream().map(ChangeJson.Entry::sha256)
                    .toList());
            for (ChangeJson.Entry e : chunk) {
                try {
                    sink.accept(file(e, contents));
                } catch (IOException failure) {
                    throw new UncheckedIOException("checkout of " + e.info().filename() + " failed: "
                            + failure.getMessage(), failure);
                }
            }
        }
        return k;
    }

    /**
     * The files that differ between versions {@code from} and {@code to} (either may be the older; 0 is the empty
     * artifact), with contents of those files only.
     */
    public static VersionDiff diff(Connection c, UUID id, int from, int to) throws SQLException {
        Span span = span(c, id);
        for (int k : new int[] {from, to}) {
            requireKept(id, span, k);
            if (k < 0 || k > span.head()) {
                throw new IllegalArgumentException("artifact " + id + " has no version " + k + "; its versions are "
                        + (span.head() == 0 ? "none yet" : span.oldest() + " to " + span.head()));
            }
        }
        int low = Math.min(from, to);
        int high = Math.max(from, to);
        // from the empty artifact every file differs: read them all (the changes before a pruned prefix are gone)
        Set<String> names = low == 0 ? null : touched(c, id, low, high);
        Map<String, ChangeJson.Entry> before = entries(c, id, from, span.head(), names);
        Map<String, ChangeJson.Entry> after = entries(c, id, to, span.head(), names);
        Set<String> all = new TreeSet<>(before.keySet());
        all.addAll(after.keySet());
        List<String> changed = new ArrayList<>();
        Set<Digest> needed = new HashSet<>();
        for (String name : all) {
            ChangeJson.Entry b = before.get(name);
            ChangeJson.Entry a = after.get(name);
            if (b == null ? a != null : !b.equals(a)) {
                changed.add(name);
                add(needed, b);
                add(needed, a);
            }
        }
        Map<Digest, String> contents = Storage.contents(c, id, needed);
        List<ChangedFile> files = new ArrayList<>(changed.size());
        for (String name : changed) {
            ChangeJson.Entry b = before.get(name);
            ChangeJson.Entry a = after.get(name);
            files.add(new ChangedFile(name, b == null ? null : file(b, contents), a == null ? null : file(a, contents)));
        }
        return new VersionDiff(id, from, to, files);
    }

    private static void add(Collection<Digest> into, ChangeJson.Entry e) {
        if (e != null) {
            into.add(e.sha256());
        }
    }

    private static CodeFile file(ChangeJson.Entry e, Map<Digest, String> contents) {
        String content = contents.get(e.sha256());
        if (content == null) {
            throw new IllegalStateException("stored content " + e.sha256() + " of " + e.info().filename()
                    + " is missing");
        }
        return new CodeFile(e.info().filename(), e.info().language(), content, e.info().description());
    }
}
