package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.InvalidChangeException.Reason;
import dev.gapless.testkit.PostgresExtension;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression tests for the edit findings of issue 18, through the store on a real PostgreSQL, for every strategy that
 * keeps the invariants (the Java write path and the PL/pgSQL one): each refusal names what it found and writes nothing.
 */
class EditHardeningTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static ArtifactStore store(String strategy) {
        return ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
    }

    private static UUID artifact(ArtifactStore store, CodeFile... files) {
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "hardening").id();
        for (CodeFile f : files) {
            store.append(id, Change.put(f));
        }
        return id;
    }

    private static void assertNothingWritten(ArtifactStore store, UUID id, int versions, Runnable append) {
        assertThatThrownBy(append::run).isInstanceOf(InvalidChangeException.class)
                .satisfies(e -> assertThat(((GaplessException) e).outcome()).isEqualTo(Outcome.NOT_APPLIED));
        assertThat(store.history(id)).hasSize(versions);
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void anUnanchoredHunkThatMatchesInTwoPlacesIsRefusedWithTheLineNumbers(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store, CodeFile.of("main.c", "void f() {\n  x();\n}\nvoid g() {\n  x();\n}\n"));
        assertNothingWritten(store, id, 1, () -> store.append(id, Change.patch(
                "*** Begin Patch\n*** Update File: main.c\n@@\n-  x();\n+  y();\n*** End Patch")));
        assertThatThrownBy(() -> store.append(id, Change.patch(
                "*** Begin Patch\n*** Update File: main.c\n-  x();\n+  y();\n*** End Patch")))
                .isInstanceOf(InvalidChangeException.class)
                .hasMessageContaining("cannot patch 'main.c': hunk 1 (line 3 of the patch) matches 2 places in version"
                        + " 1 (at lines 2, 5); add an '@@' line naming a line above the change")
                .satisfies(e -> assertThat(((InvalidChangeException) e).reason()).isEqualTo(Reason.AMBIGUOUS_MATCH));
        // an anchor makes it unique: the first match below it
        store.append(id, Change.patch("*** Begin Patch\n*** Update File: main.c\n@@ void g() {\n-  x();\n+  y();\n"
                + "*** End Patch"));
        assertThat(store.file(id, "main.c").orElseThrow().file().content())
                .isEqualTo("void f() {\n  x();\n}\nvoid g() {\n  y();\n}\n");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aPatchOfTwentyThousandContextLinesAgainstAFourHundredKilobyteFileIsAnswered(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store, CodeFile.of("big.c", "}\n".repeat(200_000)));
        String patch = "*** Begin Patch\n*** Update File: big.c\n" + " }\n".repeat(19_999) + "-return;\n"
                + "*** End Patch";
        assertThatThrownBy(() -> store.append(id, Change.patch(patch)))
                .isInstanceOf(InvalidChangeException.class)
                .hasMessageContaining("is too costly to match in version 1: the line '}' it starts with occurs 180001"
                        + " times below line 0, and each place needs up to 20000 line comparisons, over the limit of"
                        + " 2000000");
        assertThat(store.history(id)).hasSize(1);
        // the chat's lock was not kept: the next write goes through
        store.append(id, Change.put(CodeFile.of("next.txt", "ok")));
        assertThat(store.history(id)).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void multiLineTextInsertedIntoACrlfFileKeepsCrlf(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store, CodeFile.of("win.txt", "one\r\ntwo\r\n"));
        store.append(id, Change.insert("win.txt", 1, "a\nb\r\nc"));
        assertThat(store.file(id, "win.txt").orElseThrow().file().content())
                .isEqualTo("one\r\na\r\nb\r\nc\r\ntwo\r\n");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aPatchThatUpdatesThenDeletesAFileIsSummarisedAsRemovingIt(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store, CodeFile.of("main.cpp", "int x;\n"), CodeFile.of("old.txt", "old\n"));
        AppendResult r = store.append(id, Change.patch("*** Begin Patch\n*** Update File: main.cpp\n@@\n-int x;\n"
                + "+int y;\n*** Delete File: main.cpp\n*** End Patch"));
        assertThat(r.summary()).isEqualTo("Removed main.cpp");
        r = store.append(id, Change.patch("*** Begin Patch\n*** Delete File: old.txt\n*** Add File: new.txt\n+n\n"
                + "*** End Patch"));
        assertThat(r.summary()).isEqualTo("Patched new.txt; Removed old.txt");
        assertThat(store.files(id).files()).extracting(FileInfo::filename).containsExactly("new.txt");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void anNfdAddFileBesideItsNfcTwinIsRefusedAsAlreadyExisting(String strategy) {
        ArtifactStore store = store(strategy);
        String nfc = "caf\u00e9.txt";
        String nfd = "cafe\u0301.txt";
        UUID id = artifact(store, CodeFile.of(nfc, "nfc\n"));
        assertThatThrownBy(() -> store.append(id, Change.patch("*** Begin Patch\n*** Add File: " + nfd + "\n+nfd\n"
                + "*** End Patch")))
                .isInstanceOf(InvalidChangeException.class)
                .hasMessageContaining("cannot add '" + nfc + "': the file already exists in version 1")
                .satisfies(e -> assertThat(((InvalidChangeException) e).reason()).isEqualTo(Reason.FILE_EXISTS));
        // an NFD name in an update or delete header names the NFC file
        store.append(id, Change.patch("*** Begin Patch\n*** Update File: " + nfd + "\n@@\n-nfc\n+both\n"
                + "*** End Patch"));
        assertThat(store.file(id, nfc).orElseThrow().file().content()).isEqualTo("both\n");
        store.append(id, Change.patch("*** Begin Patch\n*** Delete File: " + nfd + "\n*** End Patch"));
        assertThat(store.files(id).files()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void caseOnlyTwinsAreRefusedNamingTheFileThatExists(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store, CodeFile.of("main.cpp", "int x;\n"), CodeFile.of("other.txt", "o\n"));
        String exists = "the file 'main.cpp' already exists in version 2, and names that differ only in case are one"
                + " file on Windows and macOS; edit it, or delete it first";
        Object[][] twins = {
            {Change.put(CodeFile.of("MAIN.CPP", "twin")), "cannot add 'MAIN.CPP': "},
            {Change.create(CodeFile.of("Main.cpp", "twin")), "cannot create 'Main.cpp': "},
            {Change.patch("*** Begin Patch\n*** Add File: main.CPP\n+twin\n*** End Patch"), "cannot add 'main.CPP': "},
            {Change.patch("*** Begin Patch\n*** Update File: other.txt\n*** Move to: MAIN.cpp\n*** End Patch"),
                "cannot move 'other.txt' to 'MAIN.cpp': "}};
        for (Object[] twin : twins) {
            assertThatThrownBy(() -> store.append(id, (Change) twin[0])).isInstanceOf(InvalidChangeException.class)
                    .hasMessage(twin[1] + exists)
                    .satisfies(e -> assertThat(((InvalidChangeException) e).reason()).isEqualTo(Reason.FILE_EXISTS));
        }
        assertThatThrownBy(() -> store.append(id, Change.batch(java.util.List.of(
                Change.put(CodeFile.of("B.txt", "b")), Change.put(CodeFile.of("b.txt", "b"))))))
                .hasMessageStartingWith("cannot add 'b.txt': the file 'B.txt' already exists in version 2");
        assertThat(store.history(id)).hasSize(2);
        // a twin may replace the file it is the twin of: deleted first, or moved (a move may change only the case)
        store.append(id, Change.batch(java.util.List.of(Change.delete("main.cpp"),
                Change.put(CodeFile.of("MAIN.CPP", "int y;\n")))));
        store.append(id, Change.patch("*** Begin Patch\n*** Update File: MAIN.CPP\n*** Move to: Main.cpp\n"
                + "*** End Patch"));
        assertThat(store.files(id).files()).extracting(FileInfo::filename).containsExactlyInAnyOrder("other.txt",
                "Main.cpp");
    }

    @Test
    void theCaseTwinLookupIsAnIndexScan() throws Exception {
        try (java.sql.Connection c = PG.dataSource().getConnection();
             java.sql.Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SET LOCAL enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (java.sql.ResultSet rows = st.executeQuery("EXPLAIN SELECT filename FROM artifact_files WHERE"
                    + " artifact_id = '00000000-0000-0000-0000-000000000001' AND gapless_fold(filename) = 'main.cpp'")) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            c.rollback();
            assertThat(plan.toString()).contains("artifact_files_fold");
        }
    }

    @Test
    void aBackslashInAFilenameIsRefusedNamingTheFileItWouldBeOnWindows() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        UUID id = artifact(store, CodeFile.of("src/b.txt", "b\n"));
        for (Change c : new Change[] {Change.put(CodeFile.of("src\\b.txt", "twin")),
                Change.patch("*** Begin Patch\n*** Add File: src\\b.txt\n+twin\n*** End Patch")}) {
            assertThatThrownBy(() -> store.append(id, c)).isInstanceOf(InvalidChangeException.class)
                    .hasMessageContaining("filename must separate directories with '/', not '\\' (at index 3), was"
                            + " 'src\\b.txt': on Windows it would be the same file as 'src/b.txt'");
        }
        assertThat(store.history(id)).hasSize(1);
    }

    @Test
    void chatIdsWithControlOrBidiCharactersAreRefused() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        assertThatThrownBy(() -> store.getOrCreate("chat\n1", "code", "t"))
                .hasMessage("chatId must not contain control characters (U+000A at index 4)");
        assertThatThrownBy(() -> store.getOrCreate("chat-\u202Eevil", "code", "t"))
                .hasMessageContaining("chatId must not contain invisible or formatting characters")
                .hasMessageContaining("U+202E");
        assertThatThrownBy(() -> store.getOrCreate("chat", "co\u0007de", "t"))
                .hasMessage("type must not contain control characters (U+0007 at index 2)");
        assertThat(store.find("chat\n1", "code")).isEmpty();
    }
}
