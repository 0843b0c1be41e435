package dev.gapless.core.internal;

import dev.gapless.core.Artifact;
import dev.gapless.core.FileInfo;
import dev.gapless.core.VersionSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;

/**
 * All SQL that Gapless issues, in one place. Every method runs on the caller's connection and transaction, or adds
 * statements to the caller's {@link Script}; only the statements that say so commit. Stateless.
 *
 * <p>Lock order, which every writer keeps so that none can deadlock another: contents first (in digest order; they
 * are immutable and keyed by digest, so inserting them needs no lock), then the artifact's row (or advisory) lock,
 * then versions, files and manifests.
 */
final class Storage {

    private static final String ARTIFACT_COLUMNS = "id, chat_id, type, title, head_version, created_at";
    private static final String COUNTERS = "file_count, total_bytes, changes_since_manifest";

    private Storage() {
    }

    // ---- artifacts ------------------------------------------------------------------------------------------

    /**
     * Race-free get-or-create: {@code INSERT … ON CONFLICT DO NOTHING}, then, if another writer created it first,
     * a read in a later statement (which sees the other writer's committed row).
     */
    static Artifact getOrCreate(Connection c, String chatId, String type, String title) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO artifacts (chat_id, type, title)"
                + " VALUES (?, ?, ?) ON CONFLICT (chat_id, type) DO NOTHING RETURNING " + ARTIFACT_COLUMNS)) {
            insert.setString(1, chatId);
            insert.setString(2, type);
            insert.setString(3, title);
            try (ResultSet rows = insert.executeQuery()) {
                if (rows.next()) {
                    return artifact(rows);
                }
            }
        }
        return findArtifact(c, chatId, type).orElseThrow(() -> new SQLException("artifact (" + chatId + ", "
                + type + ") neither inserted nor found", "P0002"));
    }

    static Optional<Artifact> findArtifact(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(artifact(rows)) : Optional.empty();
            }
        }
    }

    static Optional<Artifact> findArtifact(Connection c, String chatId, String type) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE chat_id = ? AND type = ?")) {
            select.setString(1, chatId);
            select.setString(2, type);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(artifact(rows)) : Optional.empty();
            }
        }
    }

    /** A chat's artifacts, oldest first. */
    static List<Artifact> artifactsOf(Connection c, String chatId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE chat_id = ? ORDER BY created_at, id")) {
            select.setString(1, chatId);
            try (ResultSet rows = select.executeQuery()) {
                List<Artifact> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(artifact(rows));
                }
                return out;
            }
        }
    }

    /** Up to {@code limit} chat ids, the chat with the newest artifact first. */
    static List<String> chats(Connection c, int limit) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT chat_id FROM artifacts GROUP BY chat_id"
                + " ORDER BY max(created_at) DESC, chat_id LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(rows.getString(1));
                }
                return out;
            }
        }
    }

    /** The head version without any lock, or {@code null} when no such artifact. */
    static Integer readHead(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT head_version FROM artifacts WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    // ---- the write path: statements added to a script -------------------------------------------------------

    /**
     * Stores the contents that are not stored yet, in digest order (before any lock: see the class comment). One
     * parameter per content, so that the driver encodes each as it sends it instead of building one array of all.
     */
    static void insertContents(Script s, UUID id, SortedMap<Digest, String> contents) {
        insertContents(s, id, contents, null);
    }

    /**
     * As {@link #insertContents(Script, UUID, SortedMap)}, adding to {@code inserted} (when not {@code null}) the
     * digests this transaction stored, not those stored before: only these may be removed again
     * ({@link #deleteContents}).
     */
    static void insertContents(Script s, UUID id, SortedMap<Digest, String> contents, Set<Digest> inserted) {
        if (contents.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO artifact_contents (artifact_id, sha256, content) VALUES ");
        Object[] params = new Object[contents.size() * 3];
        int i = 0;
        for (Map.Entry<Digest, String> e : contents.entrySet()) {
            sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
            params[i++] = id;
            params[i++] = e.getKey().bytes();
            params[i++] = e.getValue();
        }
        sql.append(" ON CONFLICT DO NOTHING");
        if (inserted == null) {
            s.add(sql.toString(), null, params);
        } else {
            s.add(sql.append(" RETURNING sha256").toString(), row -> inserted.add(Digest.ofBytes(row.getBytes(1))),
                    params);
        }
    }

    /**
     * Removes contents that this transaction stored and that nothing it writes refers to: those only rejected
     * members brought, when the transaction commits to keep their rejections ({@link #write}). No other
     * transaction can refer to a content before this one commits it.
     */
    static void deleteContents(Script s, UUID id, Collection<Digest> digests) {
        if (!digests.isEmpty()) {
            s.add("DELETE FROM artifact_contents WHERE artifact_id = ? AND sha256 = ANY (?::bytea[])", null, id,
                    digests.stream().map(Digest::bytes).toArray(byte[][]::new));
        }
    }

    /** The head and counters as they were read (and, for the locking statements, locked). */
    record Locked(int head, int fileCount, long totalBytes, int changesSinceManifest) {
    }

    /** Reads head and counters without a lock. */
    static void readCounters(Script s, HeadRead into) {
        s.add("SELECT head_version, " + COUNTERS + " FROM artifacts WHERE id = ?", into.countersRow(), into.id());
    }

    /**
     * Takes the artifact's row lock by moving its head one up, returning head and counters from before the move,
     * in one statement. The write's later statements read with fresh snapshots, after the lock: a statement that
     * waited for a row lock still reads with the snapshot it started with, so reading in the same statement would
     * miss what the previous holder committed. An attempt that ends up writing nothing rolls the move back.
     */
    static void lockAndMoveHead(Script s, HeadRead into) {
        s.add("UPDATE artifacts SET head_version = head_version + 1 WHERE id = ?"
                + " RETURNING head_version - 1, " + COUNTERS, into.countersRow(), into.id());
    }

    /** Takes a transaction-scoped advisory lock on a 64-bit key. */
    static void advisoryLock(Script s, long key) {
        s.add("SELECT pg_advisory_xact_lock(?)", null, key);
    }

    /**
     * Has the statements added by {@code lookups} planned for their parameters and the tables' current size, not
     * from a cached generic plan. A driver prepares a statement on the server after a few executions, and the
     * server then keeps one generic plan per connection, made for the table as it was then: a lookup by
     * {@code = ANY (array)} planned while {@code artifact_versions} had a few pages is a sequential scan, and stays one
     * (its cost growing with the history, under the lock) until the next ANALYZE invalidates it, which on a fresh or
     * fast-growing table may be minutes away. A custom plan costs a few tens of microseconds of planning; the
     * setting is restored after them, within the transaction.
     */
    private static void withCustomPlans(Script s, Runnable lookups) {
        s.add("SELECT set_config('gapless.plan_cache_mode', current_setting('plan_cache_mode'), true),"
                + " set_config('plan_cache_mode', 'force_custom_plan', true)", null);
        lookups.run();
        s.add("SELECT set_config('plan_cache_mode', current_setting('gapless.plan_cache_mode'), true)", null);
    }

    /**
     * Reads the rows of the named files and the versions written with any of the keys, in one statement.
     */
    static void readTouched(Script s, HeadRead into, Collection<String> filenames, Collection<String> keys) {
        withCustomPlans(s, () -> readTouchedRows(s, into, filenames, keys));
    }

    private static void readTouchedRows(Script s, HeadRead into, Collection<String> filenames,
                                        Collection<String> keys) {
        UUID id = into.id();
        // the touched files and their case twins (by gapless_fold, which artifact_files is indexed by)
        s.add("SELECT true, filename, language, description, sha256, bytes, added_version, added_index, NULL::text"
                + " FROM artifact_files WHERE artifact_id = ? AND filename = ANY (?::text[])"
                + " UNION ALL"
                + " SELECT true, filename, language, description, sha256, bytes, added_version, added_index, NULL"
                + " FROM artifact_files WHERE artifact_id = ? AND gapless_fold(filename) = ANY (?::text[])"
                + " UNION ALL"
                + " SELECT false, idempotency_key, change_summary, NULL, request_sha256, version_number, NULL, NULL,"
                + " NULL FROM artifact_versions WHERE artifact_id = ? AND idempotency_key = ANY (?::text[])"
                + " UNION ALL"
                + " SELECT false, idempotency_key, message, reason, request_sha256, 0, NULL, NULL, failure_type"
                + " FROM artifact_key_failures WHERE artifact_id = ? AND idempotency_key = ANY (?::text[])", row -> {
                    if (row.getBoolean(1)) {
                        into.rows.put(row.getString(2), new HeadState.FileRow(row.getString(2), row.getString(3),
                                row.getString(4), Digest.ofBytes(row.getBytes(5)), row.getInt(6), row.getInt(7),
                                row.getInt(8)));
                    } else {
                        byte[] request = row.getBytes(5);
                        String failureType = row.getString(9);
                        into.keys.put(row.getString(2), new HeadState.KeyRow(row.getInt(6), failureType == null
                                ? row.getString(3) : null, request == null ? null : Digest.ofBytes(request),
                                failureType == null ? null
                                        : new Failures.Recorded(failureType, row.getString(4), row.getString(3))));
                    }
                }, id, filenames.toArray(String[]::new), id,
                filenames.stream().map(HeadState::fold).distinct().toArray(String[]::new), id,
                keys.toArray(String[]::new), id,
                keys.toArray(String[]::new));
    }

    /**
     * Reads what an attempt applies its changes to, as one run of lookups: the rows of the named files, the versions
     * written with any of the keys, and the content of the files that edits apply to (after the lock, where there is
     * one; none read when {@code editSources} is empty).
     */
    static void readHead(Script s, HeadRead into, Collection<String> filenames, Collection<String> keys,
                         Collection<String> editSources) {
        withCustomPlans(s, () -> {
            readTouchedRows(s, into, filenames, keys);
            if (!editSources.isEmpty()) {
                readContentRows(s, into.id(), editSources, into.texts);
            }
        });
    }

    /** Reads the content of the named files of the head, by name. */
    private static void readContentRows(Script s, UUID id, Collection<String> filenames, Map<String, String> into) {
        s.add("SELECT f.filename, c.content FROM artifact_files f JOIN artifact_contents c"
                + " ON c.artifact_id = f.artifact_id AND c.sha256 = f.sha256"
                + " WHERE f.artifact_id = ? AND f.filename = ANY (?::text[])",
                row -> into.put(row.getString(1), row.getString(2)), id, filenames.toArray(String[]::new));
    }

    /**
     * Writes what {@code state} computed and commits, as one script: the head and counters (with
     * {@code expectedHead}, only if the head is still that: compare-and-set), the versions, the changed file rows,
     * a manifest when {@code manifest} ({@link HeadState#takeManifest()}): the caller sends it with
     * {@link Transactions.Tx#commitWith}, so that the write and its COMMIT are one round trip.
     */
    static void write(Script s, UUID id, Integer expectedHead, HeadState state, boolean manifest) {
        s.add("SELECT gapless_set_head(?, ?, ?, ?, ?, ?)", null, id,
                expectedHead == null ? Script.Null.INTEGER : expectedHead, state.head(), state.fileCount(),
                state.totalBytes(), state.changesSinceManifest());
        List<HeadState.VersionRow> versions = state.versions();
        int n = versions.size();
        int[] numbers = new int[n];
        String[] changes = new String[n];
        String[] summaries = new String[n];
        String[] keys = new String[n];
        int[] fileCounts = new int[n];
        byte[][] requests = new byte[n][];
        for (int i = 0; i < n; i++) {
            HeadState.VersionRow v = versions.get(i);
            numbers[i] = v.number();
            changes[i] = v.json();
            summaries[i] = v.summary();
            keys[i] = v.key();
            fileCounts[i] = v.fileCount();
            requests[i] = v.request() == null ? null : v.request().bytes();
        }
        s.add("INSERT INTO artifact_versions (artifact_id, version_number, change_json, change_summary,"
                + " idempotency_key, file_count, request_sha256)"
                + " SELECT ?, t.n, t.c::jsonb, t.s, t.k, t.f, t.r"
                + " FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bytea[])"
                + " AS t(n, c, s, k, f, r)",
                null, id, numbers, changes, summaries, keys, fileCounts, requests);
        List<HeadState.FileRow> upserts = state.upserts();
        if (!upserts.isEmpty()) {
            int m = upserts.size();
            String[] names = new String[m];
            String[] languages = new String[m];
            String[] descriptions = new String[m];
            byte[][] digests = new byte[m][];
            int[] bytes = new int[m];
            int[] addedVersions = new int[m];
            int[] addedIndexes = new int[m];
            for (int i = 0; i < m; i++) {
                HeadState.FileRow f = upserts.get(i);
                names[i] = f.filename();
                languages[i] = f.language();
                descriptions[i] = f.description();
                digests[i] = f.sha256().bytes();
                bytes[i] = f.bytes();
                addedVersions[i] = f.addedVersion();
                addedIndexes[i] = f.addedIndex();
            }
            s.add("INSERT INTO artifact_files (artifact_id, filename, language, description, sha256, bytes,"
                    + " added_version, added_index)"
                    + " SELECT ?, t.* FROM unnest(?::text[], ?::text[], ?::text[], ?::bytea[], ?::int[], ?::int[],"
                    + " ?::int[]) AS t"
                    + " ON CONFLICT (artifact_id, filename) DO UPDATE SET language = excluded.language,"
                    + " description = excluded.description, sha256 = excluded.sha256, bytes = excluded.bytes,"
                    + " added_version = excluded.added_version, added_index = excluded.added_index",
                    null, id, names, languages, descriptions, digests, bytes, addedVersions, addedIndexes);
        }
        List<String> deletes = state.deletes();
        if (!deletes.isEmpty() || manifest) {
            // statements that select rows of artifact_files by a prefix of its key: see withCustomPlans
            withCustomPlans(s, () -> {
                if (!deletes.isEmpty()) {
                    s.add("DELETE FROM artifact_files WHERE artifact_id = ? AND filename = ANY (?::text[])", null,
                            id, deletes.toArray(String[]::new));
                }
                if (manifest) {
                    s.add("INSERT INTO artifact_manifests (artifact_id, version_number, files)"
                            + " SELECT ?, ?, coalesce(jsonb_agg(jsonb_build_array(f.filename, f.language,"
                            + " f.description, encode(f.sha256, 'hex'), f.bytes) ORDER BY f.added_version,"
                            + " f.added_index), '[]'::jsonb) FROM artifact_files f WHERE f.artifact_id = ?", null, id,
                            state.head(), id);
                }
            });
        }
        List<HeadState.FailureRow> failures = state.failures();
        if (!failures.isEmpty()) {
            int m = failures.size();
            String[] failedKeys = new String[m];
            byte[][] digests = new byte[m][];
            String[] types = new String[m];
            String[] reasons = new String[m];
            String[] messages = new String[m];
            for (int i = 0; i < m; i++) {
                HeadState.FailureRow f = failures.get(i);
                failedKeys[i] = f.key();
                digests[i] = f.request().bytes();
                types[i] = f.failure().type();
                reasons[i] = f.failure().reason();
                messages[i] = f.failure().message();
            }
            s.add("INSERT INTO artifact_key_failures (artifact_id, idempotency_key, request_sha256, failure_type,"
                    + " reason, message) SELECT ?, t.* FROM unnest(?::text[], ?::bytea[], ?::text[], ?::text[],"
                    + " ?::text[]) AS t", null, id, failedKeys, digests, types, reasons, messages);
        }
    }

    /** The versions written with any of {@code keys} (or the rejections recorded under them), by key. */
    static Map<String, HeadState.KeyRow> findKeys(Connection c, UUID id, Collection<String> keys)
            throws SQLException {
        HeadRead read = new HeadRead(id);
        Script s = new Script();
        readTouched(s, read, List.of(), keys);
        s.run(c);
        return read.keys;
    }

    // ---- the server function ----------------------------------------------------------------------------------

    /**
     * The outcome of {@code gapless_try_append_checked}.
     *
     * @param version      the version written or found (the head, when {@code unchanged})
     * @param summary      its summary ({@code null} when {@code unchanged})
     * @param deduplicated whether the key had been applied before
     * @param unchanged    whether every put was the head's file already, so that nothing was written
     * @param failure      the rejection of a keyed append, recorded under its key (then nothing else is set), or
     *                     {@code null}
     */
    record FunctionResult(int version, String summary, boolean deduplicated, boolean unchanged,
                          Failures.Recorded failure) {
    }

    /**
     * What the server function is asked beyond the change: the files that must still be as a merge read them,
     * whether to write nothing if every put is the head's file, and the change to store when a merge rewrote it.
     *
     * @param files          the files a merge read, each with the digest of its content then ({@code null}: absent)
     * @param checkUnchanged whether every leaf is a put, so that the function may find the change changes nothing
     * @param json           the change JSON to send ({@link PreparedChange#json()} unless merged)
     * @param contents       the contents to store: the change's, plus those the merges produced
     */
    record FunctionCall(Map<String, Digest> files, boolean checkUnchanged, String json,
                        SortedMap<Digest, String> contents) {
    }

    /**
     * Adds the call of {@code gapless_try_append_checked}: contents, lock, preconditions, read, apply, insert, in one
     * statement; a keyed append's rejection is recorded and returned rather than raised, so that the COMMIT after it
     * keeps the record. Sent with {@link Transactions.Tx#commitWith} as the transaction's first script, the whole
     * transaction is one round trip.
     */
    static void callAppendFunction(Script s, AppendRequest r, FunctionCall call, Limits limits, long timeoutMs,
                                   FunctionResult[] into) {
        SortedMap<Digest, String> contents = call.contents();
        byte[][] digests = new byte[contents.size()][];
        String[] texts = new String[contents.size()];
        int i = 0;
        for (Map.Entry<Digest, String> e : contents.entrySet()) {
            digests[i] = e.getKey().bytes();
            texts[i++] = e.getValue();
        }
        String[] names = call.files().keySet().toArray(String[]::new);
        byte[][] heads = new byte[names.length][];
        for (int j = 0; j < names.length; j++) {
            Digest d = call.files().get(names[j]);
            heads[j] = d == null ? null : d.bytes();
        }
        s.add("SELECT o_version, o_summary, o_deduplicated, o_unchanged, o_failure_type, o_reason, o_message"
                + " FROM gapless_try_append_checked(?::text[], ?::bytea[], ?, ?, ?::jsonb, ?::bytea[], ?::text[], ?,"
                + " ?, ?, ?, ?, ?, ?)",
                row -> into[0] = new FunctionResult(row.getInt(1), row.getString(2), row.getBoolean(3),
                        row.getBoolean(4), row.getString(5) == null ? null
                                : new Failures.Recorded(row.getString(5), row.getString(6), row.getString(7))),
                names, heads, call.checkUnchanged(), r.artifactId(), call.json(), digests, texts,
                r.idempotencyKey() == null ? Script.Null.TEXT : r.idempotencyKey(), r.change().digest().bytes(),
                r.expectedVersion() == null ? Script.Null.INTEGER : r.expectedVersion(), limits.maxFiles(),
                limits.maxArtifactBytes(), (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMs)),
                limits.maxFileBytes());
    }

    // ---- reads --------------------------------------------------------------------------------------------------

    /**
     * The stored parts of one version.
     *
     * @param number    its number
     * @param change    its change as stored
     * @param summary   its summary
     * @param key       its idempotency key, or {@code null}
     * @param fileCount its number of files
     * @param createdAt when it was committed
     */
    record VersionRow(int number, String change, String summary, String key, int fileCount, Instant createdAt) {
    }

    /**
     * The newest manifest at or before {@code number}: its version and its JSON, or {@code null} when there is
     * none (the history then starts from the empty artifact).
     */
    static Map.Entry<Integer, String> manifestAtOrBefore(Connection c, UUID id, int number) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version_number, files::text"
                + " FROM artifact_manifests WHERE artifact_id = ? AND version_number <= ?"
                + " ORDER BY version_number DESC LIMIT 1")) {
            select.setObject(1, id);
            select.setInt(2, number);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Map.entry(rows.getInt(1), rows.getString(2)) : null;
            }
        }
    }

    /** Versions {@code from..to}, oldest first. */
    static List<VersionRow> versions(Connection c, UUID id, int from, int to) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version_number, change_json::text, change_summary,"
                + " idempotency_key, file_count, created_at FROM artifact_versions"
                + " WHERE artifact_id = ? AND version_number BETWEEN ? AND ? ORDER BY version_number")) {
            select.setObject(1, id);
            select.setInt(2, from);
            select.setInt(3, to);
            try (ResultSet rows = select.executeQuery()) {
                List<VersionRow> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(new VersionRow(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getInt(5), instant(rows.getTimestamp(6))));
                }
                return out;
            }
        }
    }

    /** The contents of the given digests. */
    static Map<Digest, String> contents(Connection c, UUID id, Collection<Digest> digests) throws SQLException {
        Map<Digest, String> out = new HashMap<>();
        if (digests.isEmpty()) {
            return out;
        }
        try (PreparedStatement select = c.prepareStatement("SELECT sha256, content FROM artifact_contents"
                + " WHERE artifact_id = ? AND sha256 = ANY (?::bytea[])")) {
            select.setObject(1, id);
            select.setObject(2, digests.stream().distinct().map(Digest::bytes).toArray(byte[][]::new));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    out.put(Digest.ofBytes(rows.getBytes(1)), rows.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * A file of the head, as one row.
     *
     * @param info    its metadata
     * @param content its content, or {@code null} when not asked for
     */
    record HeadFile(FileInfo info, String content) {
    }

    /**
     * The head's files in snapshot order (with content when {@code withContent}), or only {@code filename}'s when
     * it is not {@code null}.
     */
    static List<HeadFile> headFiles(Connection c, UUID id, String filename, boolean withContent) throws SQLException {
        String sql = "SELECT f.filename, f.language, f.description, f.bytes"
                + (withContent ? ", c.content" : "")
                + " FROM artifact_files f"
                + (withContent ? " JOIN artifact_contents c ON c.artifact_id = f.artifact_id AND c.sha256 = f.sha256"
                : "")
                + " WHERE f.artifact_id = ?" + (filename == null ? "" : " AND f.filename = ?")
                + " ORDER BY f.added_version, f.added_index";
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setObject(1, id);
            if (filename != null) {
                select.setString(2, filename);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<HeadFile> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(new HeadFile(new FileInfo(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getLong(4)), withContent ? rows.getString(5) : null));
                }
                return out;
            }
        }
    }

    /** Every version's summary line, oldest first. */
    static List<VersionSummary> history(Connection c, UUID id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version_number, change_summary, file_count,"
                + " idempotency_key, created_at FROM artifact_versions WHERE artifact_id = ?"
                + " ORDER BY version_number")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                List<VersionSummary> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(new VersionSummary(rows.getInt(1), rows.getString(2), rows.getInt(3),
                            rows.getString(4), instant(rows.getTimestamp(5))));
                }
                return out;
            }
        }
    }

    private static Artifact artifact(ResultSet rows) throws SQLException {
        return new Artifact(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getInt(5), instant(rows.getTimestamp(6)));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
