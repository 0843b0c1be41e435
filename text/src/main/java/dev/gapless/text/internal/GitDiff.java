package dev.gapless.text.internal;

import dev.gapless.core.ChangedFile;
import dev.gapless.core.CodeFile;
import dev.gapless.text.DiffLine;
import dev.gapless.text.FileDiff;
import dev.gapless.text.Hunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * One file's diff with JGit: {@link HistogramDiff} finds the edits, {@link DiffFormatter#format(EditList, RawText,
 * RawText)} prints the hunks exactly as git does (no repository involved), the git headers are added here, and the
 * structured hunks are read back from the printed ones so that the two can never disagree. Stateless.
 */
public final class GitDiff {

    private static final DiffAlgorithm ALGORITHM = new HistogramDiff();
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*$");
    private static final String NO_NEWLINE = "\\ No newline at end of file";

    private GitDiff() {
    }

    /** The diff of one changed file. */
    public static FileDiff of(ChangedFile file) {
        String before = text(file.before());
        String after = text(file.after());
        ChangedFile.Kind kind = file.kind();
        if (kind == ChangedFile.Kind.MODIFIED && before.equals(after)) {
            return new FileDiff(file.filename(), kind, List.of(), "");
        }
        String hunks = hunks(before, after);
        String a = quote("a/" + file.filename());
        String b = quote("b/" + file.filename());
        StringBuilder out = new StringBuilder("diff --git ").append(a).append(' ').append(b).append('\n');
        if (kind == ChangedFile.Kind.ADDED) {
            out.append("new file mode 100644\n");
        } else if (kind == ChangedFile.Kind.DELETED) {
            out.append("deleted file mode 100644\n");
        }
        if (!hunks.isEmpty()) {
            out.append("--- ").append(kind == ChangedFile.Kind.ADDED ? "/dev/null" : a).append('\n');
            out.append("+++ ").append(kind == ChangedFile.Kind.DELETED ? "/dev/null" : b).append('\n');
            out.append(hunks);
        }
        return new FileDiff(file.filename(), kind, parse(hunks), out.toString());
    }

    private static String text(CodeFile file) {
        return file == null ? "" : file.content();
    }

    private static String hunks(String before, String after) {
        RawText a = new RawText(before.getBytes(StandardCharsets.UTF_8));
        RawText b = new RawText(after.getBytes(StandardCharsets.UTF_8));
        EditList edits = ALGORITHM.diff(RawTextComparator.DEFAULT, a, b);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.setContext(3);
            formatter.format(edits, a, b);
            formatter.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("formatting a diff in memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Reads printed hunks back into records. */
    static List<Hunk> parse(String hunks) {
        List<Hunk> out = new ArrayList<>();
        List<DiffLine> lines = null;
        int[] header = null;
        for (String line : hunks.split("\n", -1)) {
            Matcher m = HUNK.matcher(line);
            if (m.matches()) {
                if (lines != null) {
                    out.add(new Hunk(header[0], header[1], header[2], header[3], lines));
                }
                header = new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 1 : Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), m.group(4) == null ? 1 : Integer.parseInt(m.group(4))};
                lines = new ArrayList<>();
            } else if (line.equals(NO_NEWLINE) && lines != null && !lines.isEmpty()) {
                DiffLine last = lines.remove(lines.size() - 1);
                lines.add(new DiffLine(last.type(), last.text(), true));
            } else if (lines != null && !line.isEmpty()) {
                DiffLine.Type type = switch (line.charAt(0)) {
                    case '+' -> DiffLine.Type.ADDED;
                    case '-' -> DiffLine.Type.REMOVED;
                    default -> DiffLine.Type.CONTEXT;
                };
                lines.add(new DiffLine(type, line.substring(1), false));
            }
        }
        if (lines != null) {
            out.add(new Hunk(header[0], header[1], header[2], header[3], lines));
        }
        return out;
    }

    /** A path as git prints it: in double quotes, C-escaped, when it has a quote or a backslash. */
    static String quote(String path) {
        if (path.indexOf('"') < 0 && path.indexOf('\\') < 0) {
            return path;
        }
        return '"' + path.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
