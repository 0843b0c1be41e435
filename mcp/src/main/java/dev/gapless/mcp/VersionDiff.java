package dev.gapless.mcp;

import dev.gapless.core.ArtifactStore;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What one version changed, file by file, with a line diff: the viewer's diff, behind the one method {@link #of}, to be
 * swapped for the store's own diff once it has one. Lines are compared whole (a longest common subsequence); files
 * too large for that ({@value #MAX_CELLS} line pairs) are shown as removed and added whole. Unchanged lines more than
 * {@value #CONTEXT} lines from a change are folded into one {@code …} line. Stateless.
 */
final class VersionDiff {

    /** Lines of context kept around each change. */
    static final int CONTEXT = 3;
    /** The largest old × new line count diffed line by line. */
    static final long MAX_CELLS = 4_000_000L;

    /**
     * One line of a diff.
     *
     * @param op   {@code " "} kept, {@code "+"} added, {@code "-"} removed, {@code "…"} unchanged lines folded
     * @param text the line, or for {@code …} how many lines were folded
     */
    record Line(String op, String text) {
    }

    /**
     * One file's change.
     *
     * @param filename the file
     * @param status   {@code added}, {@code removed}, {@code changed} (content) or {@code described} (language or
     *                 description only)
     * @param lines    the line diff
     */
    record FileChange(String filename, String status, List<Line> lines) {
    }

    private VersionDiff() {
    }

    /**
     * What version {@code number} changed from the one before it (from nothing, for version 1).
     *
     * @return the changes, in the new version's file order then removed files; empty when there is no such version
     */
    static Optional<List<FileChange>> of(ArtifactStore store, UUID artifactId, int number) {
        Optional<Version> after = store.version(artifactId, number);
        if (after.isEmpty()) {
            return Optional.empty();
        }
        Map<String, CodeFile> before = new LinkedHashMap<>();
        if (number > 1) {
            store.version(artifactId, number - 1).ifPresent(v -> v.snapshot().files()
                    .forEach(f -> before.put(f.filename(), f)));
        }
        List<FileChange> out = new ArrayList<>();
        for (CodeFile f : after.get().snapshot().files()) {
            CodeFile old = before.remove(f.filename());
            if (old == null) {
                out.add(new FileChange(f.filename(), "added", lines("+", f.content())));
            } else if (!old.content().equals(f.content())) {
                out.add(new FileChange(f.filename(), "changed", diff(split(old.content()), split(f.content()))));
            } else if (!old.language().equals(f.language()) || !old.description().equals(f.description())) {
                out.add(new FileChange(f.filename(), "described", List.of()));
            }
        }
        before.values().forEach(f -> out.add(new FileChange(f.filename(), "removed", lines("-", f.content()))));
        return Optional.of(out);
    }

    private static List<Line> lines(String op, String content) {
        List<Line> out = new ArrayList<>();
        for (String line : split(content)) {
            out.add(new Line(op, line));
        }
        return out;
    }

    /** The lines of a content; a final line break ends the last line rather than starting an empty one. */
    private static List<String> split(String content) {
        String body = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        return content.isEmpty() ? List.of() : List.of(body.split("\r?\n", -1));
    }

    /** A line diff of {@code a} to {@code b}, folded to the context around changes. */
    static List<Line> diff(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        List<Line> full = new ArrayList<>();
        if ((long) n * m > MAX_CELLS) {
            a.forEach(l -> full.add(new Line("-", l)));
            b.forEach(l -> full.add(new Line("+", l)));
            return full;
        }
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                full.add(new Line(" ", a.get(i++)));
                j++;
            } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
                full.add(new Line("-", a.get(i++)));
            } else {
                full.add(new Line("+", b.get(j++)));
            }
        }
        return fold(full);
    }

    private static List<Line> fold(List<Line> full) {
        boolean[] keep = new boolean[full.size()];
        for (int k = 0; k < full.size(); k++) {
            if (!full.get(k).op().equals(" ")) {
                for (int c = Math.max(0, k - CONTEXT); c <= Math.min(full.size() - 1, k + CONTEXT); c++) {
                    keep[c] = true;
                }
            }
        }
        List<Line> out = new ArrayList<>();
        int folded = 0;
        for (int k = 0; k < full.size(); k++) {
            if (keep[k]) {
                if (folded > 0) {
                    out.add(new Line("…", folded + " unchanged lines"));
                    folded = 0;
                }
                out.add(full.get(k));
            } else {
                folded++;
            }
        }
        if (folded > 0) {
            out.add(new Line("…", folded + " unchanged lines"));
        }
        return out;
    }
}
