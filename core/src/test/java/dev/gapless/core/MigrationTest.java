package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database written by Gapless 0.1 (schema V1–V3, every version a full snapshot, filled here by 0.1's own
 * PL/pgSQL writer) is upgraded in place by V4: every old version reads back exactly as 0.1 stored it, through the
 * store and through the {@code artifact_snapshots} view, and new appends of every strategy continue its history.
 */
class MigrationTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One version as 0.1 stored it. */
    private record V1Version(int number, JsonNode content, JsonNode change, String summary, String key) {
    }

    @Test
    void aVersionOneDatabaseIsUpgradedInPlaceAndReadsBackExactly() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("v1_upgrade")) {
            upgradeAndReadBack(db.newDataSource(20));
        }
    }

    private static void upgradeAndReadBack(DataSource ds) throws Exception {
        applyVersionOneSchema(ds);
        List<UUID> artifacts = new ArrayList<>();
        Random random = new Random(20261129);
        for (int a = 0; a < 5; a++) {
            artifacts.add(fillWithVersionOneWriter(ds, "chat-" + a, random, 20 + 30 * a));
        }
        UUID empty = createArtifact(ds, "chat-empty");
        List<List<V1Version>> before = new ArrayList<>();
        for (UUID id : artifacts) {
            before.add(readVersionOne(ds, id));
        }

        assertThat(Schema.apply(ds)).as("every migration after V3 is new").isEqualTo(Schema.MIGRATIONS.size() - 3);

        ArtifactStore store = ArtifactStore.create(ds);
        for (int a = 0; a < artifacts.size(); a++) {
            UUID id = artifacts.get(a);
            List<V1Version> old = before.get(a);
            List<VersionSummary> history = store.history(id);
            assertThat(history).hasSize(old.size());
            for (V1Version v : old) {
                Version now = store.version(id, v.number()).orElseThrow();
                assertThat(contentJson(now.snapshot())).as("content of version %d", v.number())
                        .isEqualTo(v.content());
                assertThat(changeJson(now.change())).as("change of version %d", v.number()).isEqualTo(v.change());
                assertThat(now.summary()).isEqualTo(v.summary());
                assertThat(now.idempotencyKey()).isEqualTo(v.key());
                assertThat(history.get(v.number() - 1).fileCount()).isEqualTo(v.content().path("files").size());
                assertThat(viewContent(ds, id, v.number())).as("artifact_snapshots at version %d", v.number())
                        .isEqualTo(v.content());
            }
            V1Version last = old.get(old.size() - 1);
            assertThat(store.files(id).files()).extracting(FileInfo::filename)
                    .containsExactlyElementsOf(last.content().path("files").findValuesAsText("filename"));
            Invariants.check(ds, store, id);
        }
        assertThat(store.history(empty)).isEmpty();

        // the upgraded history goes on, under every strategy, keys from before the upgrade still deduplicate
        UUID id = artifacts.get(artifacts.size() - 1);
        V1Version keyed = before.get(before.size() - 1).stream().filter(v -> v.key() != null).findFirst()
                .orElseThrow();
        AppendResult replay = store.append(id, fromJson(keyed.change()),
                AppendOptions.defaults().withIdempotencyKey(keyed.key()));
        assertThat(replay.deduplicated()).isTrue();
        assertThat(replay.version()).isEqualTo(keyed.number());
        for (String strategy : Strategies.all()) {
            ArtifactStore s = ArtifactStore.builder(ds).strategy(Strategies.of(strategy)).build();
            s.append(id, Change.put(CodeFile.of("after/" + strategy + ".txt", strategy)));
            s.append(empty, Change.put(CodeFile.of(strategy + ".txt", strategy)));
        }
        Invariants.check(ds, store, id);
        Invariants.check(ds, store, empty);
        assertThat(viewContent(ds, id, store.find(id).orElseThrow().headVersion()))
                .isEqualTo(contentJson(store.latest(id).orElseThrow().snapshot()));
    }

    /**
     * Regression: 0.1 stored a lone surrogate as '?', so one snapshot could name a file twice, and from then on every
     * read of that artifact failed. The upgrade keeps the file once (its first place, its last content).
     */
    @Test
    void aVersionOneSnapshotNamingAFileTwiceIsUpgradedAndReadable() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("v1_twice")) {
            upgradeTwice(db.newDataSource(4));
        }
    }

    private static void upgradeTwice(DataSource ds) throws Exception {
        applyVersionOneSchema(ds);
        UUID id = createArtifact(ds, "chat-twice");
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO"
                + " artifact_versions (artifact_id, version_number, content_json, change_json, change_summary)"
                + " VALUES (?, 1, ?::jsonb, ?::jsonb, 'Added z?.txt; Added z?.txt; Added a.txt')")) {
            s.setObject(1, id);
            s.setString(2, "{\"files\": [{\"filename\": \"z?.txt\", \"language\": \"\", \"content\": \"first\","
                    + " \"description\": \"\"}, {\"filename\": \"a.txt\", \"language\": \"\", \"content\": \"a\","
                    + " \"description\": \"\"}, {\"filename\": \"z?.txt\", \"language\": \"\","
                    + " \"content\": \"second\", \"description\": \"\"}]}");
            s.setString(3, "{\"op\": \"batch\", \"changes\": []}");
            s.executeUpdate();
            try (Statement u = c.createStatement()) {
                u.execute("UPDATE artifacts SET head_version = 1 WHERE id = '" + id + "'");
            }
        }
        Schema.apply(ds);
        ArtifactStore store = ArtifactStore.create(ds);
        Snapshot head = store.latest(id).orElseThrow().snapshot();
        assertThat(head.filenames()).containsExactly("z?.txt", "a.txt");
        assertThat(head.find("z?.txt").orElseThrow().content()).isEqualTo("second");
        assertThat(store.history(id).get(0).fileCount()).isEqualTo(2);
        assertThat(store.append(id, Change.put(CodeFile.of("b.txt", "b"))).version()).isEqualTo(2);
        assertThat(store.files(id).files()).extracting(FileInfo::filename).containsExactly("z?.txt", "a.txt", "b.txt");
        assertThat(store.version(id, 1).orElseThrow().snapshot()).isEqualTo(head);
    }

    static void applyVersionOneSchema(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE gapless_schema_history (version integer PRIMARY KEY, script text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            for (int v = 1; v <= 3; v++) {
                String script = Schema.MIGRATIONS.get(v - 1);
                s.execute(resource(script));
                s.execute("INSERT INTO gapless_schema_history (version, script) VALUES (" + v + ", '" + script
                        + "')");
            }
        }
    }

    private static String resource(String script) throws IOException {
        try (InputStream in = Schema.class.getResourceAsStream("/" + Schema.LOCATION + "/" + script)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static UUID createArtifact(DataSource ds, String chat) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO artifacts (chat_id, type, title) VALUES (?, 'code', 'v1') RETURNING id")) {
            s.setString(1, chat);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getObject(1, UUID.class);
            }
        }
    }

    /** Appends {@code ops} random changes with 0.1's {@code gapless_append}, the way 0.1's server-function did. */
    private static UUID fillWithVersionOneWriter(DataSource ds, String chat, Random random, int ops)
            throws SQLException {
        UUID id = createArtifact(ds, chat);
        List<String> names = List.of("main.cpp", "ü/ß.txt", "config.h", "README.md", "empty.txt", "src/a b.c");
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT o_version FROM gapless_append(?, ?::jsonb, ?, NULL, 5000)")) {
            for (int i = 0; i < ops; i++) {
                Change change;
                int kind = random.nextInt(10);
                String name = names.get(random.nextInt(names.size()));
                String content = name.equals("empty.txt") ? "" : "v" + i + " \"quoted\" \\ \n\t € " + name;
                if (kind < 6 || i == 0) {
                    change = Change.put(new CodeFile(name, "lang" + (i % 3), content, "desc " + i));
                } else if (kind < 8) {
                    change = Change.delete(name);
                } else {
                    change = Change.batch(List.of(Change.put(CodeFile.of(name, content)),
                            Change.put(CodeFile.of(name, content + " again")),
                            Change.put(CodeFile.of("batch" + i + ".h", "#" + i))));
                }
                s.setObject(1, id);
                s.setString(2, changeJson(change).toString());
                s.setString(3, random.nextBoolean() ? "call_" + chat + "_" + i : null);
                try {
                    s.executeQuery().close();
                } catch (SQLException e) {
                    if (!"GL001".equals(e.getSQLState())) { // deleting a missing file: 0.1 rejected it too
                        throw e;
                    }
                }
            }
        }
        return id;
    }

    private static List<V1Version> readVersionOne(DataSource ds, UUID id) throws Exception {
        List<V1Version> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("SELECT version_number,"
                + " content_json::text, change_json::text, change_summary, idempotency_key FROM artifact_versions"
                + " WHERE artifact_id = ? ORDER BY version_number")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new V1Version(r.getInt(1), JSON.readTree(r.getString(2)), JSON.readTree(r.getString(3)),
                            r.getString(4), r.getString(5)));
                }
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static JsonNode viewContent(DataSource ds, UUID id, int version) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT content_json::text FROM artifact_snapshots WHERE artifact_id = ? AND version_number = ?")) {
            s.setObject(1, id);
            s.setInt(2, version);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return JSON.readTree(r.getString(1));
            }
        }
    }

    /** 0.1's content_json: {@code {"files":[{filename, language, content, description}]}}. */
    private static JsonNode contentJson(Snapshot snapshot) {
        ObjectNode root = JSON.createObjectNode();
        var files = root.putArray("files");
        snapshot.files().forEach(f -> files.add(fileJson(f)));
        return root;
    }

    /** 0.1's change_json, contents inline. */
    private static JsonNode changeJson(Change change) {
        ObjectNode node = JSON.createObjectNode();
        if (change instanceof Change.PutFile put) {
            node.put("op", "put").set("file", fileJson(put.file()));
        } else if (change instanceof Change.DeleteFile delete) {
            node.put("op", "delete").put("filename", delete.filename());
        } else {
            var changes = node.put("op", "batch").putArray("changes");
            ((Change.Batch) change).changes().forEach(inner -> changes.add(changeJson(inner)));
        }
        return node;
    }

    private static Change fromJson(JsonNode node) {
        return switch (node.path("op").asText()) {
            case "put" -> Change.put(new CodeFile(node.path("file").path("filename").asText(),
                    node.path("file").path("language").asText(), node.path("file").path("content").asText(),
                    node.path("file").path("description").asText()));
            case "delete" -> Change.delete(node.path("filename").asText());
            default -> {
                List<Change> changes = new ArrayList<>();
                node.path("changes").forEach(inner -> changes.add(fromJson(inner)));
                yield Change.batch(changes);
            }
        };
    }

    private static ObjectNode fileJson(CodeFile file) {
        return JSON.createObjectNode().put("filename", file.filename()).put("language", file.language())
                .put("content", file.content()).put("description", file.description());
    }
}
