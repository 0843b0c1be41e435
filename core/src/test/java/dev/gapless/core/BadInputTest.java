package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.InvalidChangeException.Reason;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets a specific exception naming the problem, and nothing is written. */
class BadInputTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private ArtifactStore store;
    private Artifact artifact;

    @BeforeEach
    void oneVersionExists() {
        store = ArtifactStore.builder(PG.dataSource()).maxFileBytes(1000).build();
        artifact = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "bad input");
        store.append(artifact.id(), Change.put(CodeFile.of("main.cpp", "int main() {}")));
    }

    static Stream<Arguments> badChanges() {
        return Stream.of(
                Arguments.of("blank filename", Change.put(CodeFile.of("  ", "x")), Reason.BLANK_FILENAME, "blank"),
                Arguments.of("empty filename", Change.put(CodeFile.of("", "x")), Reason.BLANK_FILENAME, "blank"),
                Arguments.of("dot-dot segment", Change.put(CodeFile.of("src/../../etc/passwd", "x")),
                        Reason.PATH_TRAVERSAL, "'..'"),
                Arguments.of("dot-dot alone", Change.put(CodeFile.of("..", "x")), Reason.PATH_TRAVERSAL, "'..'"),
                Arguments.of("backslash dot-dot", Change.put(CodeFile.of("a\\..\\b", "x")),
                        Reason.PATH_TRAVERSAL, "'..'"),
                Arguments.of("leading slash", Change.put(CodeFile.of("/etc/passwd", "x")),
                        Reason.ABSOLUTE_PATH, "relative"),
                Arguments.of("drive letter", Change.put(CodeFile.of("C:\\x.txt", "x")),
                        Reason.ABSOLUTE_PATH, "relative"),
                Arguments.of("newline in filename", Change.put(CodeFile.of("a\nb.txt", "x")),
                        Reason.CONTROL_CHARACTER, "U+000A"),
                Arguments.of("escape in filename", Change.put(CodeFile.of("a\u001bb.txt", "x")),
                        Reason.CONTROL_CHARACTER, "U+001B"),
                Arguments.of("NUL in filename", Change.put(CodeFile.of("a\u0000b", "x")),
                        Reason.NUL_CHARACTER, "NUL"),
                Arguments.of("NUL in content", Change.put(CodeFile.of("a.txt", "ab\u0000cd")),
                        Reason.NUL_CHARACTER, "index 2"),
                Arguments.of("NUL in description", Change.put(new CodeFile("a.txt", "", "x", "\u0000")),
                        Reason.NUL_CHARACTER, "description"),
                Arguments.of("content over the limit", Change.put(CodeFile.of("big.txt", "x".repeat(1001))),
                        Reason.CONTENT_TOO_LARGE, "1001 bytes, over the limit of 1000"),
                Arguments.of("multi-byte content over the limit", Change.put(CodeFile.of("big.txt", "é".repeat(501))),
                        Reason.CONTENT_TOO_LARGE, "1002 bytes"),
                Arguments.of("empty segment", Change.put(CodeFile.of("a//b.txt", "x")),
                        Reason.MALFORMED_PATH, "empty"),
                Arguments.of("trailing slash", Change.put(CodeFile.of("dir/", "x")), Reason.MALFORMED_PATH, "empty"),
                Arguments.of("empty batch", Change.batch(List.of()), Reason.EMPTY_BATCH, "at least one"),
                Arguments.of("bad file inside a batch", Change.batch(List.of(Change.put(CodeFile.of("ok.txt", "x")),
                        Change.put(CodeFile.of("../x", "y")))), Reason.PATH_TRAVERSAL, "'..'"),
                Arguments.of("delete of a missing file", Change.delete("nope.txt"), Reason.NO_SUCH_FILE,
                        "no such file"),
                Arguments.of("batch whose delete misses", Change.batch(List.of(Change.put(CodeFile.of("ok.txt", "x")),
                        Change.delete("nope.txt"))), Reason.NO_SUCH_FILE, "nope.txt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChanges")
    void badChangeIsRejectedWithASpecificErrorAndWritesNothing(String name, Change change, Reason reason,
                                                                String messagePart) throws Exception {
        long before = rowCount();
        assertThatThrownBy(() -> store.append(artifact.id(), change))
                .isInstanceOfSatisfying(InvalidChangeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
        assertThat(rowCount()).isEqualTo(before);
        assertThat(store.find(artifact.id()).orElseThrow().headVersion()).isEqualTo(1);
    }

    @Test
    void contentExactlyAtTheLimitIsAccepted() {
        AppendResult result = store.append(artifact.id(), Change.put(CodeFile.of("edge.txt", "x".repeat(1000))));
        assertThat(result.version()).isEqualTo(2);
    }

    @Test
    void unknownArtifactIdIsRejectedAndWritesNothing() throws Exception {
        long before = rowCount();
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> store.append(unknown, Change.put(CodeFile.of("a.txt", "x"))))
                .isInstanceOfSatisfying(ArtifactNotFoundException.class,
                        e -> assertThat(e.artifactId()).isEqualTo(unknown))
                .hasMessageContaining(unknown.toString());
        assertThatThrownBy(() -> store.history(unknown)).isInstanceOf(ArtifactNotFoundException.class);
        assertThatThrownBy(() -> store.latest(unknown)).isInstanceOf(ArtifactNotFoundException.class);
        assertThat(rowCount()).isEqualTo(before);
    }

    @Test
    void badIdempotencyKeyAndBadArtifactFieldsAreRejected() {
        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("k\u0000")))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NUL_CHARACTER))
                .hasMessageContaining("idempotency key");
        assertThatThrownBy(() -> store.getOrCreate(" ", "code", "t"))
                .isInstanceOf(InvalidChangeException.class).hasMessageContaining("chatId");
        assertThatThrownBy(() -> store.getOrCreate("c", "code", "t\u0000"))
                .isInstanceOf(InvalidChangeException.class).hasMessageContaining("title");
        assertThat(store.find(artifact.id()).orElseThrow().headVersion()).isEqualTo(1);
    }

    @Test
    void nullsAndImpossibleOptionsFailAtCallTime() {
        assertThatThrownBy(() -> store.append(null, Change.delete("x"))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AppendOptions.defaults().withExpectedVersion(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AppendOptions.defaults().withTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArtifactStore.builder(PG.dataSource()).maxFileBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.version(artifact.id(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idempotencyKeysAreAtMostTwoHundredCharactersCountedAsCodePoints() throws Exception {
        long before = rowCount();
        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("k.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("k".repeat(201))))
                .isInstanceOfSatisfying(InvalidChangeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
                    assertThat(e.getMessage()).contains("201 characters").contains("limit of 200");
                });
        assertThat(rowCount()).isEqualTo(before);
        // 200 four-byte characters fit the index (800 bytes) and replay like any key
        String emoji = "\uD83D\uDE00".repeat(200);
        AppendOptions key = AppendOptions.defaults().withIdempotencyKey(emoji);
        int version = store.append(artifact.id(), Change.put(CodeFile.of("k.txt", "x")), key).version();
        assertThat(store.append(artifact.id(), Change.put(CodeFile.of("k.txt", "x")), key).version())
                .isEqualTo(version);
    }

    @Test
    void chatIdsAndTypesThatCouldNotBeIndexedAreRejected() {
        assertThatThrownBy(() -> store.getOrCreate("\uD83D\uDE00".repeat(257), "code", "t"))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.getMessage()).contains("chatId is 257 characters"));
        assertThat(store.getOrCreate("\uD83D\uDE00".repeat(256), "\uD83D\uDE00".repeat(256), "t").id()).isNotNull();
    }

    private static long rowCount() throws Exception {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM artifact_versions)"
                     + " + (SELECT coalesce(sum(head_version), 0) FROM artifacts)")) {
            r.next();
            return r.getLong(1);
        }
    }
}
