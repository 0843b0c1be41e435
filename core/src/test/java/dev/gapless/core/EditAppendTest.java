package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.InvalidChangeException.Reason;
import dev.gapless.testkit.PostgresExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edits through the store, for every strategy that keeps the invariants: each applies to the latest content, is
 * stored as the edit it is (and read back as such), and one that no longer matches is rejected saying what was found,
 * with nothing written.
 */
class EditAppendTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static final String MAIN = "int a = 1;\nint b = 1;\nint c = 1;\n";

    private static ArtifactStore store(String strategy, int maxFileBytes) {
        return ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy))
                .maxFileBytes(maxFileBytes).build();
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void editsApplyToTheLatestContentAndAreStoredAsEdits(String strategy) {
        ArtifactStore store = store(strategy, 200);
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "edits").id();
        store.append(id, Change.put(new CodeFile("main.cpp", "cpp", MAIN, "entry")));

        List<Change> changes = List.of(
                Change.edit("main.cpp", "int b = 1;", "int b = 2;"),
                Change.insert("main.cpp", 0, "// header\n"),
                Change.create(CodeFile.of("util.h", "int util();\n")),
                Change.edit("main.cpp", " = ", " := ", true),
                Change.batch(List.of(Change.edit("util.h", "util", "helper"), Change.put(CodeFile.of("x", "y")))),
                Change.patch("*** Begin Patch\n*** Update File: main.cpp\n*** Move to: src/main.cpp\n@@ // header\n"
                        + "-int a := 1;\n+int a := 3;\n*** Add File: README.md\n+# demo\n*** Delete File: x\n"
                        + "*** End Patch"));
        List<String> summaries = changes.stream().map(c -> store.append(id, c, AppendOptions.defaults()
                .withIdempotencyKey("k" + changes.indexOf(c))).summary()).toList();

        assertThat(summaries).containsExactly("Edited main.cpp (1 replacement)",
                "Edited main.cpp (inserted 1 line at the top)", "Created util.h", "Edited main.cpp (3 replacements)",
                "Edited util.h (1 replacement); Added x",
                "Patched 2 files (main.cpp -> src/main.cpp, README.md); Removed x");
        Snapshot last = store.latest(id).orElseThrow().snapshot();
        assertThat(last.filenames()).containsExactly("util.h", "src/main.cpp", "README.md");
        assertThat(last.find("src/main.cpp").orElseThrow())
                .isEqualTo(new CodeFile("src/main.cpp", "cpp", "// header\nint a := 3;\nint b := 2;\nint c := 1;\n",
                        "entry"));
        assertThat(last.find("util.h").orElseThrow().content()).isEqualTo("int helper();\n");
        for (int k = 0; k < changes.size(); k++) {
            assertThat(store.version(id, k + 2).orElseThrow().change()).as("version %d's change", k + 2)
                    .isEqualTo(changes.get(k));
        }
        // a replay of a keyed edit is the version it made, even though the edit would no longer match
        AppendResult replay = store.append(id, changes.get(0), AppendOptions.defaults().withIdempotencyKey("k0"));
        assertThat(replay.deduplicated()).isTrue();
        assertThat(replay.version()).isEqualTo(2);
        Invariants.check(PG.dataSource(), store, id);
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void anEditThatNoLongerMatchesIsRejectedSayingWhatWasFoundAndWritesNothing(String strategy) {
        ArtifactStore store = store(strategy, 64);
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "rejections").id();
        store.append(id, Change.put(CodeFile.of("main.cpp", MAIN)));
        store.append(id, Change.put(CodeFile.of("b.txt", "b\n")));

        record Case(Change change, Reason reason, String message) {
        }
        List<Case> cases = List.of(
                new Case(Change.edit("main.cpp", "int d", "int e"), Reason.NO_MATCH,
                        "cannot edit 'main.cpp': the text to replace was found 0 times in version 2"),
                new Case(Change.edit("main.cpp", " = 1;", " = 2;"), Reason.AMBIGUOUS_MATCH,
                        "was found 3 times in version 2 (at lines 1, 2, 3)"),
                new Case(Change.insert("main.cpp", 4, "x"), Reason.LINE_OUT_OF_RANGE,
                        "line 4 is past the end of the file, which has 3 lines in version 2"),
                new Case(Change.edit("gone.cpp", "a", "b"), Reason.NO_SUCH_FILE,
                        "cannot edit 'gone.cpp': the artifact has no such file in version 2"),
                new Case(Change.create(CodeFile.of("b.txt", "")), Reason.FILE_EXISTS,
                        "cannot create 'b.txt': the file already exists in version 2"),
                new Case(Change.edit("main.cpp", "1", "0123456789".repeat(3), true), Reason.CONTENT_TOO_LARGE,
                        "the edit would make 'main.cpp' 120 bytes, over the limit of 64 bytes"),
                new Case(Change.patch("*** Begin Patch\n*** Update File: b.txt\n-b\n+B\n*** Update File: main.cpp\n"
                        + "@@\n int a = 1;\n-int q = 1;\n*** End Patch"), Reason.PATCH_DOES_NOT_APPLY,
                        "cannot patch 'main.cpp': hunk 1 (line 6 of the patch) expects 2 lines starting 'int a = 1;'"
                                + " below line 0 of version 2"),
                new Case(Change.patch("*** Begin Patch\n*** Delete File: b.txt\n*** Update File: main.cpp\n"
                        + "*** Move to: b.txt\n@@\n-int c = 1;\n*** Add File: b.txt\n+again\n*** End Patch"),
                        Reason.FILE_EXISTS, "cannot add 'b.txt': the file already exists in version 2"));
        // each call twice: a replay meets the same rejection (its key is spent on it)
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                String key = "call_" + i;
                assertThatThrownBy(() -> store.append(id, c.change(), AppendOptions.defaults().withIdempotencyKey(key)))
                        .as("%s with %s", c.change(), strategy)
                        .isInstanceOfSatisfying(InvalidChangeException.class, e -> {
                            assertThat(e.reason()).isEqualTo(c.reason());
                            assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                        })
                        .hasMessageContaining(c.message());
            }
        }
        assertThat(store.history(id)).hasSize(2);
        assertThat(store.latest(id).orElseThrow().snapshot().find("main.cpp").orElseThrow().content())
                .isEqualTo(MAIN);
        Invariants.check(PG.dataSource(), store, id);
    }
}
