package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.InvalidChangeException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edit changes applied to snapshots: what they produce, their summaries, and what they reject. */
class EditChangeTest {

    private static final String MAIN = "#include <a.h>\nint x = 1;\nint y = 1;\nvoid f() {}\n";
    private final Snapshot base = new Snapshot(List.of(new CodeFile("main.cpp", "cpp", MAIN, "entry"),
            CodeFile.of("notes.txt", "one\r\ntwo\r\n")));

    private static String content(Snapshot s, String name) {
        return s.find(name).orElseThrow().content();
    }

    private static Reason reasonOf(Runnable r) {
        try {
            r.run();
        } catch (InvalidChangeException e) {
            return e.reason();
        }
        throw new AssertionError("no InvalidChangeException");
    }

    @Test
    void anEditReplacesTheOnlyOccurrenceAndKeepsTheFilesPlaceAndMetadata() {
        Change edit = Change.edit("main.cpp", "int x = 1;", "int x = 2;");
        Snapshot after = edit.apply(base);
        assertThat(content(after, "main.cpp")).isEqualTo(MAIN.replace("int x = 1;", "int x = 2;"));
        assertThat(after.filenames()).containsExactly("main.cpp", "notes.txt");
        assertThat(after.find("main.cpp").orElseThrow().language()).isEqualTo("cpp");
        assertThat(edit.summary(base)).isEqualTo("Edited main.cpp (1 replacement)");
    }

    @Test
    void anEditThatMatchesTwiceIsRejectedWithTheLinesUnlessItReplacesAll() {
        assertThatThrownBy(() -> Change.edit("main.cpp", "= 1;", "= 2;").apply(base))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.AMBIGUOUS_MATCH))
                .hasMessageContaining("found 2 times").hasMessageContaining("at lines 2, 3");
        Change all = Change.edit("main.cpp", "= 1;", "= 2;", true);
        assertThat(content(all.apply(base), "main.cpp")).contains("int x = 2;\nint y = 2;");
        assertThat(all.summary(base)).isEqualTo("Edited main.cpp (2 replacements)");
    }

    @Test
    void anEditThatMatchesNothingOrAMissingFileIsRejected() {
        assertThatThrownBy(() -> Change.edit("main.cpp", "int z", "int w").apply(base))
                .hasMessageContaining("found 0 times");
        assertThat(reasonOf(() -> Change.edit("main.cpp", "int z", "int w").apply(base))).isEqualTo(Reason.NO_MATCH);
        assertThat(reasonOf(() -> Change.edit("gone.cpp", "a", "b").apply(base))).isEqualTo(Reason.NO_SUCH_FILE);
    }

    @Test
    void insertGoesAfterTheLineAndKeepsLinesWhole() {
        assertThat(content(Change.insert("main.cpp", 0, "// top\n").apply(base), "main.cpp"))
                .startsWith("// top\n#include");
        assertThat(content(Change.insert("main.cpp", 2, "int z = 0;").apply(base), "main.cpp"))
                .isEqualTo("#include <a.h>\nint x = 1;\nint z = 0;\nint y = 1;\nvoid f() {}\n");
        assertThat(content(Change.insert("main.cpp", 4, "// end\n").apply(base), "main.cpp"))
                .endsWith("void f() {}\n// end\n");
        // a CRLF file gets a CRLF where one is added
        assertThat(content(Change.insert("notes.txt", 1, "1.5").apply(base), "notes.txt"))
                .isEqualTo("one\r\n1.5\r\ntwo\r\n");
        // a last line without a line break gets one before the inserted text
        Snapshot open = new Snapshot(List.of(CodeFile.of("a", "x\ny")));
        assertThat(content(Change.insert("a", 2, "z\n").apply(open), "a")).isEqualTo("x\ny\nz\n");
        assertThat(Change.insert("main.cpp", 2, "a\nb\n").summary(base))
                .isEqualTo("Edited main.cpp (inserted 2 lines after line 2)");
        assertThatThrownBy(() -> Change.insert("main.cpp", 5, "x").apply(base))
                .hasMessageContaining("line 5 is past the end of the file, which has 4 lines");
    }

    @Test
    void createRefusesAnExistingFile() {
        CodeFile extra = CodeFile.of("extra.h", "#pragma once\n");
        assertThat(Change.create(extra).apply(base).filenames()).containsExactly("main.cpp", "notes.txt", "extra.h");
        assertThat(Change.create(extra).summary(base)).isEqualTo("Created extra.h");
        assertThat(reasonOf(() -> Change.create(CodeFile.of("main.cpp", "")).apply(base)))
                .isEqualTo(Reason.FILE_EXISTS);
    }

    @Test
    void aPatchAddsUpdatesMovesAndDeletesAllOrNothing() {
        Change patch = Change.patch("""
                *** Begin Patch
                *** Add File: src/util.h
                +int util();
                *** Update File: main.cpp
                *** Move to: src/main.cpp
                @@ int x = 1;
                -int y = 1;
                +int y = 2;
                 void f() {}
                *** Delete File: notes.txt
                *** End Patch
                """);
        Snapshot after = patch.apply(base);
        assertThat(after.filenames()).containsExactly("src/util.h", "src/main.cpp");
        assertThat(content(after, "src/util.h")).isEqualTo("int util();\n");
        assertThat(content(after, "src/main.cpp")).isEqualTo(MAIN.replace("int y = 1;", "int y = 2;"));
        assertThat(after.find("src/main.cpp").orElseThrow().language()).isEqualTo("cpp");
        assertThat(patch.summary(base))
                .isEqualTo("Patched 2 files (src/util.h, main.cpp -> src/main.cpp); Removed notes.txt");
    }

    @Test
    void aPatchMatchesIgnoringTrailingBlanksAndWritesCrlfBackToACrlfFile() {
        Change patch = Change.patch("*** Begin Patch\n*** Update File: notes.txt\n one  \n-two\n+zwei\n*** End Patch");
        assertThat(content(patch.apply(base), "notes.txt")).isEqualTo("one\r\nzwei\r\n");
    }

    @Test
    void aPatchWhoseContextIsGoneSaysWhichHunkAndWhatIsMissing() {
        Change patch = Change.patch("""
                *** Begin Patch
                *** Update File: main.cpp
                @@
                -int x = 1;
                +int x = 3;
                @@
                -int q = 1;
                +int q = 2;
                *** End Patch""");
        assertThatThrownBy(() -> patch.apply(base))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PATCH_DOES_NOT_APPLY))
                .hasMessageContaining("hunk 2 (line 6 of the patch)").hasMessageContaining("'int q = 1;'");
        Change anchored = Change.patch("*** Begin Patch\n*** Update File: main.cpp\n@@ class Nope\n-int x = 1;\n"
                + "+int x = 3;\n*** End Patch");
        assertThatThrownBy(() -> anchored.apply(base)).hasMessageContaining("needs the line 'class Nope'");
    }

    @Test
    void anEndOfFileHunkMatchesOnlyAtTheEnd() {
        Change eof = Change.patch("*** Begin Patch\n*** Update File: main.cpp\n@@\n int x = 1;\n+int w;\n"
                + "*** End of File\n*** End Patch");
        assertThat(reasonOf(() -> eof.apply(base))).isEqualTo(Reason.PATCH_DOES_NOT_APPLY);
        Change append = Change.patch("*** Begin Patch\n*** Update File: main.cpp\n@@\n+// end\n*** End Patch");
        assertThat(content(append.apply(base), "main.cpp")).isEqualTo(MAIN + "// end\n");
    }

    @Test
    void malformedPatchesAreRejectedBeforeAnythingWithTheLine() {
        for (String bad : List.of("", "*** Update File: a\n-x\n+y\n*** End Patch", "*** Begin Patch\n*** Add File: a\n+x",
                "*** Begin Patch\n*** Frobnicate File: a\n*** End Patch", "*** Begin Patch\n*** End Patch",
                "*** Begin Patch\n*** Update File: a\n*** End Patch",
                "*** Begin Patch\n*** Update File: a\n@@\n-x\n+y\nnot a hunk line\n*** End Patch",
                "*** Begin Patch\n*** Update File: a\n@@def f\n-x\n*** End Patch")) {
            assertThatThrownBy(() -> Change.patch(bad)).as(bad)
                    .isInstanceOfSatisfying(InvalidChangeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PATCH))
                    .hasMessageContaining("at line");
        }
    }
}
