package dev.gapless.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ChangedFile;
import dev.gapless.core.CodeFile;
import dev.gapless.core.VersionDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unified diff is git's: the real {@code git apply} takes it and turns the old files into the new ones. */
class UnifiedDiffTest {

    @TempDir
    Path repo;

    private static CodeFile f(String name, String content) {
        return CodeFile.of(name, content);
    }

    private static VersionDiff diff(ChangedFile... files) {
        return new VersionDiff(UUID.randomUUID(), 1, 2, List.of(files));
    }

    @Test
    void aModifiedFileHasGitsHeadersAndHunks() {
        String before = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";
        String after = "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n";
        FileDiff d = UnifiedDiff.file(new ChangedFile("src/a.txt", f("src/a.txt", before), f("src/a.txt", after)));
        assertThat(d.unified()).isEqualTo("diff --git a/src/a.txt b/src/a.txt\n"
                + "--- a/src/a.txt\n+++ b/src/a.txt\n"
                + "@@ -1,6 +1,6 @@\n one\n two\n-three\n+THREE\n four\n five\n six\n"
                + "@@ -8,3 +8,4 @@\n eight\n nine\n ten\n+eleven\n");
        assertThat(d.hunks()).hasSize(2);
        assertThat(d.hunks().get(0)).extracting(Hunk::oldStart, Hunk::oldCount, Hunk::newStart, Hunk::newCount)
                .containsExactly(1, 6, 1, 6);
        assertThat(d.hunks().get(0).lines().get(2)).isEqualTo(new DiffLine(DiffLine.Type.REMOVED, "three", false));
        assertThat(d.added()).isEqualTo(2);
        assertThat(d.removed()).isEqualTo(1);
    }

    @Test
    void addedDeletedAndUnterminatedFilesAreMarkedAsGitMarksThem() {
        FileDiff added = UnifiedDiff.file(new ChangedFile("n.txt", null, f("n.txt", "last line")));
        assertThat(added.unified()).isEqualTo("diff --git a/n.txt b/n.txt\nnew file mode 100644\n"
                + "--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+last line\n\\ No newline at end of file\n");
        assertThat(added.hunks().get(0).lines()).containsExactly(new DiffLine(DiffLine.Type.ADDED, "last line", true));
        FileDiff deleted = UnifiedDiff.file(new ChangedFile("d.txt", f("d.txt", "x\n"), null));
        assertThat(deleted.unified()).isEqualTo("diff --git a/d.txt b/d.txt\ndeleted file mode 100644\n"
                + "--- a/d.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n");
        FileDiff empty = UnifiedDiff.file(new ChangedFile("e.txt", null, f("e.txt", "")));
        assertThat(empty.unified()).isEqualTo("diff --git a/e.txt b/e.txt\nnew file mode 100644\n");
        FileDiff described = UnifiedDiff.file(new ChangedFile("a", new CodeFile("a", "c", "x", "old"),
                new CodeFile("a", "c", "x", "new")));
        assertThat(described.unified()).isEmpty();
        assertThat(described.hunks()).isEmpty();
    }

    @Test
    void gitApplyTurnsTheOldFilesIntoTheNewOnes() throws Exception {
        List<ChangedFile> changes = new ArrayList<>();
        StringBuilder big = new StringBuilder();
        StringBuilder bigAfter = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            big.append("line ").append(i).append('\n');
            bigAfter.append(i % 50 == 7 ? "changed " : "line ").append(i).append('\n');
        }
        changes.add(new ChangedFile("big.txt", f("big.txt", big.toString()), f("big.txt", bigAfter.toString())));
        changes.add(new ChangedFile("crlf.ini", f("crlf.ini", "a=1\r\nb=2\r\n"), f("crlf.ini", "a=1\r\nb=3\r\n")));
        changes.add(new ChangedFile("dir/gone.h", f("dir/gone.h", "#pragma once\n"), null));
        changes.add(new ChangedFile("dir/new file.c", null, f("dir/new file.c", "int x;\nint y;")));
        changes.add(new ChangedFile("empty.txt", null, f("empty.txt", "")));
        changes.add(new ChangedFile("term.txt", f("term.txt", "no end"), f("term.txt", "no end\nnow ends\n")));
        changes.add(new ChangedFile("unterm.txt", f("unterm.txt", "ends\n"), f("unterm.txt", "ends\nnot")));
        changes.add(new ChangedFile("emptied.txt", f("emptied.txt", "a\nb\n"), f("emptied.txt", "")));
        changes.add(new ChangedFile("ünï.txt", f("ünï.txt", "ä\n"), f("ünï.txt", "ö\n")));
        changes.add(new ChangedFile("q\"uote.txt", f("q\"uote.txt", "1\n"), f("q\"uote.txt", "2\n")));
        String patch = UnifiedDiff.render(new VersionDiff(UUID.randomUUID(), 1, 2, changes));

        git("init", "-q", ".");
        for (ChangedFile c : changes) {
            if (c.before() != null) {
                Path p = repo.resolve(c.filename());
                Files.createDirectories(p.getParent());
                Files.writeString(p, c.before().content(), StandardCharsets.UTF_8);
            }
        }
        Files.writeString(repo.resolve("change.patch"), patch, StandardCharsets.UTF_8);
        assertThat(git("apply", "--check", "change.patch")).as("git apply --check of\n%s", patch).isEmpty();
        assertThat(git("apply", "change.patch")).isEmpty();
        for (ChangedFile c : changes) {
            Path p = repo.resolve(c.filename());
            if (c.after() == null) {
                assertThat(p).doesNotExist();
            } else {
                assertThat(Files.readString(p, StandardCharsets.UTF_8)).as(c.filename())
                        .isEqualTo(c.after().content());
            }
        }
        // and back: the reverse diff undoes it
        assertThat(git("apply", "-R", "--check", "change.patch")).isEmpty();
    }

    private String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-c", "core.quotePath=false"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void anEmptyDiffRendersNothing() {
        assertThat(UnifiedDiff.render(diff())).isEmpty();
    }
}
