package dev.gapless.text;

import dev.gapless.core.ChangedFile;
import dev.gapless.core.VersionDiff;
import dev.gapless.text.internal.GitDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Renders a {@link VersionDiff} as git renders a diff: per file, structured hunks and a unified diff with
 * {@code diff --git} headers, {@code new file mode} / {@code deleted file mode} lines and {@code \ No newline at end
 * of file} markers, which {@code git apply} accepts. Lines are compared with JGit's histogram diff (what
 * {@code git diff --histogram} uses), 3 lines of context. Stateless and thread-safe.
 */
public final class UnifiedDiff {

    private UnifiedDiff() {
    }

    /**
     * Each changed file's hunks and unified diff, in the diff's order (by filename).
     *
     * @param diff the versions' diff
     * @return one entry per changed file
     * @throws NullPointerException if {@code diff} is {@code null}
     */
    public static List<FileDiff> files(VersionDiff diff) {
        Objects.requireNonNull(diff, "diff");
        List<FileDiff> out = new ArrayList<>(diff.files().size());
        for (ChangedFile f : diff.files()) {
            out.add(file(f));
        }
        return out;
    }

    /**
     * One file's hunks and unified diff.
     *
     * @param file the changed file
     * @return its diff
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static FileDiff file(ChangedFile file) {
        Objects.requireNonNull(file, "file");
        return GitDiff.of(file);
    }

    /**
     * The whole unified diff, file after file, as {@code git diff} prints it (without {@code index} lines, which
     * {@code git apply} does not need).
     *
     * @param diff the versions' diff
     * @return the text; empty when no content differs
     * @throws NullPointerException if {@code diff} is {@code null}
     */
    public static String render(VersionDiff diff) {
        StringBuilder out = new StringBuilder();
        for (FileDiff f : files(diff)) {
            out.append(f.unified());
        }
        return out.toString();
    }
}
