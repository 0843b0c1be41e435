package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

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
                    .isEqualTo(version.change().apply(previous));
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
}
