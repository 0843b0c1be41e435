package dev.gapless.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What happened to one file since the version a put was based on: its content at the base and after each later
 * version that touched it, so that the put can be merged onto the head and each merged region told by whom.
 * Read in the writer's transaction (after the artifact's lock where the strategy takes one). Immutable.
 *
 * @param filename the file
 * @param base     the base version
 * @param baseText the file's content at the base, or {@code null} when it did not exist there
 * @param steps    the versions after the base that changed the file, oldest first; empty when none did
 * @param pruned   the oldest version kept when the base or versions after it were pruned (then there is no history
 *                 to merge with, and the put is refused), else 0
 */
record FileHistory(String filename, int base, String baseText, List<Step> steps, int pruned) {

    /**
     * A version that changed the file.
     *
     * @param version the version
     * @param key     its idempotency key, or {@code null}
     * @param text    the file's content after it, or {@code null} when it deleted the file
     */
    record Step(int version, String key, String text) {
    }

    FileHistory {
        steps = List.copyOf(steps);
    }

    /** The map key of a file's history from a base. */
    static String key(String filename, int base) {
        return base + ":" + filename;
    }

    /**
     * The histories the based puts of {@code members} need: those whose base is older than {@code head}.
     *
     * @return the histories by {@link #key}
     */
    static Map<String, FileHistory> readAll(Connection c, UUID id, List<Member> members, int head)
            throws SQLException {
        Map<String, PreparedChange.Put> based = new LinkedHashMap<>();
        for (Member m : members) {
            for (PreparedChange.Leaf leaf : m.request().change().leaves()) {
                if (leaf instanceof PreparedChange.Put put && put.hasBase() && put.base() < head) {
                    based.putIfAbsent(key(put.filename(), put.base()), put);
                }
            }
        }
        Map<String, FileHistory> out = new LinkedHashMap<>();
        if (based.isEmpty()) {
            return out;
        }
        int oldest = Lifecycle.oldestKept(c, id);
        // the versions after the oldest base still kept, read once for every file
        int from = based.values().stream().mapToInt(PreparedChange.Put::base)
                .filter(base -> !(oldest > 1 && base < oldest)).min().orElse(head);
        List<Storage.VersionRow> since = from < head ? Storage.versions(c, id, from + 1, head) : List.of();
        for (Map.Entry<String, PreparedChange.Put> e : based.entrySet()) {
            out.put(e.getKey(), read(c, id, e.getValue().filename(), e.getValue().base(), oldest, since));
        }
        return out;
    }

    /**
     * The history of {@code filename} from {@code base} to the head.
     *
     * @param oldest the oldest version kept
     * @param since  the versions after some base not newer than {@code base}, up to the head, oldest first
     */
    private static FileHistory read(Connection c, UUID id, String filename, int base, int oldest,
                                    List<Storage.VersionRow> since) throws SQLException {
        if (oldest > 1 && base < oldest) {
            // the file at the base, or what changed it since, is gone: a merge cannot be computed, nor skipped
            return new FileHistory(filename, base, null, List.of(), oldest);
        }
        List<Storage.VersionRow> later = since.stream().filter(row -> row.number() > base).toList();
        List<Storage.VersionRow> touching = new ArrayList<>();
        List<ChangeJson.Entry> after = new ArrayList<>();
        for (Storage.VersionRow row : later) {
            boolean touched = false;
            ChangeJson.Entry last = null;
            for (ChangeJson.Effect e : ChangeJson.effects(row.change())) {
                if (e.filename().equals(filename)) {
                    touched = true;
                    last = e.put();
                }
            }
            if (touched) {
                touching.add(row);
                after.add(last);
            }
        }
        if (touching.isEmpty()) {
            return new FileHistory(filename, base, null, List.of(), 0);
        }
        ChangeJson.Entry atBase = base == 0 ? null : Reader.filesAt(c, id, base, new ArrayList<>()).get(filename);
        Set<Digest> needed = new HashSet<>();
        if (atBase != null) {
            needed.add(atBase.sha256());
        }
        after.forEach(e -> {
            if (e != null) {
                needed.add(e.sha256());
            }
        });
        Map<Digest, String> contents = Storage.contents(c, id, needed);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < touching.size(); i++) {
            ChangeJson.Entry e = after.get(i);
            steps.add(new Step(touching.get(i).number(), touching.get(i).key(),
                    e == null ? null : content(contents, e.sha256())));
        }
        return new FileHistory(filename, base, atBase == null ? null : content(contents, atBase.sha256()), steps,
                0);
    }

    private static String content(Map<Digest, String> contents, Digest digest) {
        String text = contents.get(digest);
        if (text == null) {
            throw new IllegalStateException("stored content " + digest + " is missing");
        }
        return text;
    }
}
