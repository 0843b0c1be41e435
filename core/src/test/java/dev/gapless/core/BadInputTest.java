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
                        Change.delete("nope.txt"))), Reason.NO_SUCH_FILE, "nope.txt"),
                // text that is not valid Unicode is refused, never stored as '?'
                Arguments.of("lone surrogate in content", Change.put(CodeFile.of("a.txt", "a\ud800b")),
                        Reason.MALFORMED_UNICODE, "U+D800 at index 1"),
                Arguments.of("lone low surrogate in filename", Change.put(CodeFile.of("z\udc00.txt", "x")),
                        Reason.MALFORMED_UNICODE, "filename"),
                Arguments.of("surrogates in the wrong order", Change.put(new CodeFile("a.txt", "", "x",
                        "\ude00\ud83d")), Reason.MALFORMED_UNICODE, "description"),
                Arguments.of("lone surrogate in a delete", Change.delete("z\ud800.txt"), Reason.MALFORMED_UNICODE,
                        "filename"),
                // the filename policy
                Arguments.of("right-to-left override", Change.put(CodeFile.of("evil\u202etxt.exe", "x")),
                        Reason.INVISIBLE_CHARACTER, "U+202E"),
                Arguments.of("zero-width space", Change.put(CodeFile.of("ma\u200bin.cpp", "x")),
                        Reason.INVISIBLE_CHARACTER, "U+200B"),
                Arguments.of("byte-order mark", Change.put(CodeFile.of("\ufeffmain.cpp", "x")),
                        Reason.INVISIBLE_CHARACTER, "U+FEFF"),
                Arguments.of("C1 next line", Change.put(CodeFile.of("a\u0085b.txt", "x")),
                        Reason.CONTROL_CHARACTER, "U+0085"),
                Arguments.of("C1 control sequence introducer", Change.put(CodeFile.of("a\u009bb.txt", "x")),
                        Reason.CONTROL_CHARACTER, "U+009B"),
                Arguments.of("line separator", Change.put(CodeFile.of("a\u2028b.txt", "x")),
                        Reason.CONTROL_CHARACTER, "U+2028"),
                Arguments.of("only a no-break space", Change.put(CodeFile.of("\u00a0", "x")),
                        Reason.MALFORMED_PATH, "space-padded"),
                Arguments.of("only an em space", Change.put(CodeFile.of("dir/\u2003", "x")),
                        Reason.MALFORMED_PATH, "space-padded"),
                Arguments.of("segment padded with a no-break space", Change.put(CodeFile.of("dir/\u00a0x.txt", "x")),
                        Reason.MALFORMED_PATH, "space-padded"),
                Arguments.of("segment ending with a dot", Change.put(CodeFile.of("src/main.", "x")),
                        Reason.MALFORMED_PATH, "dot-ended"),
                Arguments.of("Windows device name", Change.put(CodeFile.of("src/con", "x")), Reason.RESERVED_NAME,
                        "'con'"),
                Arguments.of("Windows device name with an extension", Change.put(CodeFile.of("LPT1.txt", "x")),
                        Reason.RESERVED_NAME, "LPT1.txt"),
                Arguments.of("Windows device name in a directory", Change.put(CodeFile.of("aux/x.c", "x")),
                        Reason.RESERVED_NAME, "'aux'"));
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

    /** Regression: NFC and NFD spellings of one name were two files. */
    @Test
    void canonicallyEquivalentNamesAreOneFile() {
        String nfd = "u\u0308.txt";
        String nfc = "\u00fc.txt";
        store.append(artifact.id(), Change.put(CodeFile.of(nfd, "decomposed")));
        AppendResult second = store.append(artifact.id(), Change.put(CodeFile.of(nfc, "composed")));
        assertThat(second.summary()).isEqualTo("Updated " + nfc);
        assertThat(store.files(artifact.id()).files()).extracting(FileInfo::filename).containsExactly("main.cpp", nfc);
        assertThat(store.file(artifact.id(), nfd).orElseThrow().file().content()).isEqualTo("composed");
        store.append(artifact.id(), Change.delete(nfd));
        assertThat(store.files(artifact.id()).files()).extracting(FileInfo::filename).containsExactly("main.cpp");
    }

    @Test
    void lengthsCountCodePointsSoThreeHundredEmojiAreThreeHundredCharacters() {
        String emoji = "\uD83D\uDE00".repeat(300) + ".txt";
        assertThat(store.append(artifact.id(), Change.put(CodeFile.of(emoji, "x"))).summary()).endsWith(".txt");
        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("\uD83D\uDE00".repeat(513), "x"))))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.getMessage()).contains("513 characters, over the limit of 512"));
    }

    @Test
    void aLoneSurrogateInAKeyOrChatIdIsRefusedBeforeAnyIo() throws Exception {
        long before = rowCount();
        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("k.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_\ud800")))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_UNICODE));
        assertThatThrownBy(() -> store.getOrCreate("chat\udbff", "code", "t"))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_UNICODE));
        assertThat(rowCount()).isEqualTo(before);
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
