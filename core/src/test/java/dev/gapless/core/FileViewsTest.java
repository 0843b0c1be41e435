package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What readers saw of an artifact's files: per reader, only forward, across store instances, gone with the artifact. */
class FileViewsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private ArtifactStore store;
    private UUID artifact;

    @BeforeEach
    void artifact() {
        store = ArtifactStore.create(PG.dataSource());
        artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        store.append(artifact, Change.put(CodeFile.of("a.txt", "a")));
        store.append(artifact, Change.put(CodeFile.of("b.txt", "b")));
    }

    @Test
    void aReaderThatSawNothingHasNoViewsAndTheHead() {
        FileViews.Seen seen = store.views().seen(artifact, "");
        assertThat(seen.headVersion()).isEqualTo(2);
        assertThat(seen.seen()).isEmpty();
        assertThat(seen.version("a.txt")).isEmpty();
    }

    @Test
    void viewsAreKeptPerReaderAndOnlyMoveForward() {
        FileViews views = store.views();
        views.saw(artifact, "", Map.of("a.txt", 2, "b.txt", 1));
        views.saw(artifact, "", Map.of("a.txt", 1));
        views.saw(artifact, "session-1", Map.of("a.txt", 0));
        assertThat(views.seen(artifact, "").seen()).isEqualTo(Map.of("a.txt", 2, "b.txt", 1));
        assertThat(views.seen(artifact, "session-1").seen()).isEqualTo(Map.of("a.txt", 0));
        views.saw(artifact, "", Map.of("b.txt", 2));
        assertThat(views.seen(artifact, "").version("b.txt")).isEqualTo(OptionalInt.of(2));
    }

    @Test
    void sawIfUnseenRecordsOnlyTheFilesWithoutAView() {
        FileViews views = store.views();
        views.saw(artifact, "", Map.of("a.txt", 1));
        views.sawIfUnseen(artifact, "", Map.of("a.txt", 2, "b.txt", 2));
        assertThat(views.seen(artifact, "").seen()).isEqualTo(Map.of("a.txt", 1, "b.txt", 2));
    }

    @Test
    void namesAreComparedInNfcAndViewsHoldForANewStoreOnTheSameDatabase() {
        store.views().saw(artifact, "", Map.of("u\u0308.txt", 1));
        FileViews.Seen seen = ArtifactStore.create(PG.dataSource()).views().seen(artifact, "");
        assertThat(seen.seen()).containsOnlyKeys("\u00fc.txt");
        assertThat(seen.version("u\u0308.txt")).isEqualTo(OptionalInt.of(1));
    }

    @Test
    void anUnknownArtifactOrABadViewerIsRefusedAndNothingIsRecorded() throws Exception {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> store.views().seen(unknown, "")).isInstanceOf(ArtifactNotFoundException.class);
        assertThatThrownBy(() -> store.views().saw(artifact, "a\0b", Map.of("a.txt", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> store.views().saw(artifact, "x".repeat(FileViews.MAX_VIEWER_LENGTH + 1),
                Map.of("a.txt", 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256");
        assertThatThrownBy(() -> store.views().saw(artifact, "", Map.of("a.txt", -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThat(rows()).isZero();
    }

    @Test
    void deletingTheArtifactDeletesItsViews() throws Exception {
        store.views().saw(artifact, "", Map.of("a.txt", 2));
        assertThat(rows()).isEqualTo(1);
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM artifacts WHERE id = '" + artifact + "'");
        }
        assertThat(rows()).isZero();
    }

    private long rows() throws Exception {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM gapless_file_views WHERE artifact_id = '"
                     + artifact + "'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
