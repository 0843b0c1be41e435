package dev.gapless.cli;

import static dev.gapless.cli.ExecCommandTest.gapless;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.testkit.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** checkout, diff (through the real git apply), revert, history paging, prune and delete, as a user runs them. */
class LifecycleCommandsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    @TempDir
    Path tmp;

    private String chat;
    private ArtifactStore store;
    private UUID id;

    private String[] db(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", PG.jdbcUrl(), "--user", PG.server().user(), "--password",
                PG.server().password()));
        return all.toArray(String[]::new);
    }

    private ExecCommandTest.Run ok(String... args) {
        ExecCommandTest.Run run = gapless(db(args));
        assertThat(run.exit()).as("gapless %s: %s", String.join(" ", args), run.err()).isZero();
        return run;
    }

    /** v1: main.cpp, config.h; v2: main.cpp edited, notes.md added; v3: config.h deleted, main.cpp unterminated. */
    @BeforeEach
    void threeVersions() {
        store = ArtifactStore.create(PG.dataSource());
        chat = "chat-" + UUID.randomUUID();
        id = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "").id();
        store.append(id, Change.batch(List.of(
                Change.put(CodeFile.of("src/main.cpp", "#include \"config.h\"\nvoid setup() {}\nvoid loop() {}\n")),
                Change.put(CodeFile.of("include/config.h", "#define LED 13\n")))));
        store.append(id, Change.batch(List.of(Change.edit("src/main.cpp", "void loop() {}", "void loop() { blink(); }"),
                Change.put(CodeFile.of("notes.md", "# Notes\n")))));
        store.append(id, Change.batch(List.of(Change.delete("include/config.h"),
                Change.put(CodeFile.of("src/main.cpp", "void setup() {}\nvoid loop() { blink(); }")))));
    }

    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.git/")).toList()) {
                files.put(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
    }

    @Test
    void checkoutWritesTheVersionsFilesIntoTheDirectory() throws Exception {
        Path dir = tmp.resolve("v1");
        ExecCommandTest.Run run = ok("checkout", "--chat", chat, "--version", "1", "--dir", dir.toString());
        assertThat(run.out()).contains("checked out version 1").contains("2 files");
        assertThat(tree(dir)).containsExactly(
                Map.entry("include/config.h", "#define LED 13\n"),
                Map.entry("src/main.cpp", "#include \"config.h\"\nvoid setup() {}\nvoid loop() {}\n"));
        JsonNode latest = ok("checkout", "--chat", chat, "--dir", tmp.resolve("head").toString(), "--json").json();
        assertThat(latest.path("version").asInt()).isEqualTo(3);
        assertThat(latest.path("files")).extracting(JsonNode::asText).containsExactly("src/main.cpp", "notes.md");
    }

    @Test
    void theDiffIsAPatchGitApplyTurnsOneCheckoutIntoTheOther() throws Exception {
        for (int[] pair : new int[][] {{1, 3}, {0, 2}, {3, 1}, {2, 3}}) {
            Path work = tmp.resolve("apply-" + pair[0] + "-" + pair[1]);
            Files.createDirectories(work);
            if (pair[0] > 0) {
                ok("checkout", "--chat", chat, "--version", String.valueOf(pair[0]), "--dir", work.toString());
            }
            Path expected = tmp.resolve("expected-" + pair[0] + "-" + pair[1]);
            ok("checkout", "--chat", chat, "--version", String.valueOf(pair[1]), "--dir", expected.toString());
            String patch = ok("diff", "--chat", chat, "--from", String.valueOf(pair[0]), "--to",
                    String.valueOf(pair[1])).out();
            Path file = tmp.resolve("change-" + pair[0] + "-" + pair[1] + ".patch");
            Files.writeString(file, patch, StandardCharsets.UTF_8);
            git(work, "init", "-q", ".");
            git(work, "apply", "--check", file.toString());
            git(work, "apply", file.toString());
            assertThat(tree(work)).as("%s after\n%s", work, patch).isEqualTo(tree(expected));
        }
        String last = ok("diff", "--chat", chat, "--from", "2").out();
        assertThat(last).contains("diff --git a/include/config.h b/include/config.h\ndeleted file mode 100644\n")
                .contains("\\ No newline at end of file\n");
        JsonNode json = ok("diff", "--chat", chat, "--from", "1", "--to", "2", "--json").json();
        assertThat(json.path("files").get(0).path("filename").asText()).isEqualTo("notes.md");
        assertThat(json.path("files").get(1).path("hunks").get(0).path("lines").toString())
                .contains("\"-void loop() {}\"", "\"+void loop() { blink(); }\"");
    }

    @Test
    void revertHistoryPruneAndDeleteAsAUserRunsThem() throws Exception {
        JsonNode reverted = ok("revert", "--chat", chat, "--to", "1", "--key", "undo", "--json").json();
        assertThat(reverted.path("version").asInt()).isEqualTo(4);
        assertThat(ok("revert", "--chat", chat, "--to", "1", "--key", "undo").out())
                .contains("already reverted with key 'undo': version 4");
        assertThat(store.latest(id).orElseThrow().snapshot()).isEqualTo(store.version(id, 1).orElseThrow()
                .snapshot());

        JsonNode page = ok("history", "--chat", chat, "--limit", "2", "--json").json();
        assertThat(page.path("versions").findValues("version")).extracting(JsonNode::asInt).containsExactly(4, 3);
        assertThat(page.path("next_before").asInt()).isEqualTo(3);
        JsonNode older = ok("history", "--chat", chat, "--limit", "2", "--before", "3", "--json").json();
        assertThat(older.path("versions").findValues("version")).extracting(JsonNode::asInt).containsExactly(2, 1);
        assertThat(older.path("next_before").isNull()).isTrue();
        assertThat(ok("history", "--chat", chat, "--file", "include/config.h").out())
                .contains("Added include/config.h").contains("Removed include/config.h");

        JsonNode pruned = ok("prune", "--chat", chat, "--keep-last", "2", "--json").json();
        assertThat(pruned.path("oldest_kept").asInt()).isEqualTo(3);
        assertThat(pruned.path("versions_removed").asInt()).isEqualTo(2);
        ExecCommandTest.Run gone = gapless(db("diff", "--chat", chat, "--from", "1"));
        assertThat(gone.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(gone.err()).contains("version 1 of artifact").contains("was pruned; the oldest version kept is 3")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(gapless(db("prune", "--chat", chat, "--keep-last", "0")).exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(gapless(db("prune", "--chat", chat)).exit()).isEqualTo(Main.EXIT_USAGE);

        assertThat(ok("delete", "--chat", chat).out()).isEqualTo("deleted chat '" + chat + "': 1 artifact\n");
        assertThat(store.find(id)).isEmpty();
        ExecCommandTest.Run none = gapless(db("revert", "--chat", chat, "--to", "1"));
        assertThat(none.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(none.err()).contains("chat '" + chat + "' has no code artifact");
    }
}
