package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.spi.TextMerger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** Checks the invariants of one artifact, reading back every version from storage. */
final class Invariants {

    private Invariants() {
    }

    /**
     * Versions are exactly 1..head, {@code head_version} = max, every version is its predecessor with its own
     * change applied, and each idempotency key appears at most once (on a version or on a recorded rejection, never
     * on both).
     */
    static void check(DataSource dataSource, ArtifactStore store, UUID artifactId) {
        check(dataSource, store, artifactId, null);
    }

    /**
     * {@link #check(DataSource, ArtifactStore, UUID)} where puts with a base may have merged: then the file a version
     * stored is {@code merge(base, write, head before it)} by {@code merger} (and exactly the write where the head's
     * file was still the base's, or already the write).
     */
    static void check(DataSource dataSource, ArtifactStore store, UUID artifactId, TextMerger merger) {
        List<Integer> numbers = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int head;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT head_version FROM artifacts WHERE id = ?")) {
                s.setObject(1, artifactId);
                try (ResultSet r = s.executeQuery()) {
                    assertThat(r.next()).as("artifact %s exists", artifactId).isTrue();
                    head = r.getInt(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT version_number, idempotency_key"
                    + " FROM artifact_versions WHERE artifact_id = ? ORDER BY version_number")) {
                s.setObject(1, artifactId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        numbers.add(r.getInt(1));
                        if (r.getString(2) != null) {
                            keys.add(r.getString(2));
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT f.idempotency_key FROM artifact_key_failures f"
                    + " JOIN artifact_versions v USING (artifact_id, idempotency_key) WHERE f.artifact_id = ?")) {
                s.setObject(1, artifactId);
                try (ResultSet r = s.executeQuery()) {
                    List<String> both = new ArrayList<>();
                    while (r.next()) {
                        both.add(r.getString(1));
                    }
                    assertThat(both).as("keys of %s both rejected and written", artifactId).isEmpty();
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= head; i++) {
            expected.add(i);
        }
        assertThat(numbers).as("versions of %s are exactly 1..head_version (%d)", artifactId, head)
                .isEqualTo(expected);
        Set<String> distinct = new HashSet<>(keys);
        assertThat(distinct).as("idempotency keys of %s are unique", artifactId).hasSameSizeAs(keys);
        Snapshot previous = Snapshot.empty();
        List<VersionSummary> history = store.history(artifactId);
        for (int k = 1; k <= head; k++) {
            Version version = store.version(artifactId, k).orElseThrow();
            assertThat(history.get(k - 1).fileCount()).as("file count of version %d", k)
                    .isEqualTo(version.snapshot().size());
            assertThat(version.snapshot()).as("content(%d) = apply(change(%d), content(%d))", k, k, k - 1)
                    .isEqualTo(applied(store, artifactId, version.change(), previous, merger));
            assertThat(version.summary()).as("summary(%d) is the change's summary", k)
                    .isEqualTo(version.change().summary(previous));
            previous = version.snapshot();
        }
        // the materialized head and the artifact's counters agree with the last version rebuilt from storage
        FileListing listing = store.files(artifactId);
        assertThat(listing.version()).isEqualTo(head);
        assertThat(listing.files()).as("artifact_files of %s is the head's snapshot", artifactId)
                .extracting(FileInfo::filename).containsExactlyElementsOf(previous.filenames());
        long bytes = 0;
        for (CodeFile f : previous.files()) {
            bytes += f.content().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        assertThat(listing.files().stream().mapToLong(FileInfo::bytes).sum()).isEqualTo(bytes);
        if (head > 0) {
            assertThat(store.latest(artifactId).orElseThrow().snapshot()).isEqualTo(previous);
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT file_count, total_bytes FROM artifacts WHERE id = ?")) {
            s.setObject(1, artifactId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertThat(r.getInt(1)).as("file_count of %s", artifactId).isEqualTo(previous.size());
                assertThat(r.getLong(2)).as("total_bytes of %s", artifactId).isEqualTo(bytes);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The change applied, each based put merged onto the file it met as the store must have merged it. */
    private static Snapshot applied(ArtifactStore store, UUID id, Change change, Snapshot previous,
                                    TextMerger merger) {
        if (change instanceof Change.Batch batch) {
            Snapshot current = previous;
            for (Change inner : batch.changes()) {
                current = applied(store, id, inner, current, merger);
            }
            return current;
        }
        if (!(change instanceof Change.PutFile put) || !put.hasBase() || merger == null) {
            return change.apply(previous);
        }
        String name = put.file().filename();
        String base = put.baseVersion() == 0 ? null : store.version(id, put.baseVersion()).orElseThrow().snapshot()
                .find(name).map(CodeFile::content).orElse(null);
        String theirs = previous.find(name).map(CodeFile::content).orElse(null);
        String ours = put.file().content();
        if (theirs == null || theirs.equals(base == null ? "" : base) || theirs.equals(ours)) {
            return change.apply(previous);
        }
        TextMerger.Result merged = merger.merge(base == null ? "" : base, ours, theirs);
        assertThat(merged).as("an acknowledged merge of %s merges cleanly", name)
                .isInstanceOf(TextMerger.Merged.class);
        return previous.with(new CodeFile(name, put.file().language(), ((TextMerger.Merged) merged).text(),
                put.file().description()));
    }
}
