package dev.gapless.core.internal;

import dev.gapless.core.CodeFile;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.InvalidChangeException.Reason;
import dev.gapless.core.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The text algorithms of the edit changes, and the one wording of their rejections. {@code Change.apply} (on a
 * snapshot) and the write path (on the latest version, under the artifact's lock) both run these, and
 * {@code gapless_append} mirrors them in PL/pgSQL; a property test compares the two. Positions are exact: no
 * whitespace or line-ending normalisation, except where the V4A rules below say so. Stateless.
 */
public final class TextEdits {

    /** How many line numbers a rejection lists before it says how many more there are. */
    static final int MAX_LINES_LISTED = 10;

    private TextEdits() {
    }

    /**
     * A replacement's result.
     *
     * @param text  the new content
     * @param count how many occurrences were replaced
     */
    public record Replaced(String text, int count) {
    }

    /**
     * Replaces {@code oldText} by {@code newText}: the only occurrence, or every (non-overlapping, left to right)
     * occurrence when {@code all}.
     *
     * @param at where the file was read, for messages: {@code "version 7"}, or {@code null} for a snapshot
     * @throws InvalidChangeException {@link Reason#NO_MATCH} when it occurs 0 times,
     *                                {@link Reason#AMBIGUOUS_MATCH} when more than once and not {@code all}
     */
    public static Replaced replace(String content, String oldText, String newText, boolean all, String filename,
                                   String at) {
        List<Integer> lines = new ArrayList<>();
        int count = 0;
        int line = 1;
        int scanned = 0;
        for (int i = content.indexOf(oldText); i >= 0; i = content.indexOf(oldText, i + oldText.length())) {
            line += newlines(content, scanned, i);
            scanned = i;
            if (lines.size() < MAX_LINES_LISTED) {
                lines.add(line);
            }
            count++;
        }
        if (count == 0) {
            throw noMatch(filename, at);
        }
        if (count > 1 && !all) {
            throw ambiguous(filename, at, count, lines);
        }
        return new Replaced(content.replace(oldText, newText), count);
    }

    /** The rejection of a replacement whose old text is not in the file. */
    static InvalidChangeException noMatch(String filename, String at) {
        return new InvalidChangeException(Reason.NO_MATCH, "cannot edit '" + filename + "': the text to replace"
                + " was found 0 times in " + where(at) + "; it must match exactly, whitespace and line endings"
                + " included");
    }

    /** The rejection of a single replacement whose old text occurs {@code count} times. */
    static InvalidChangeException ambiguous(String filename, String at, int count, List<Integer> lines) {
        return new InvalidChangeException(Reason.AMBIGUOUS_MATCH, "cannot edit '" + filename + "': the text to"
                + " replace was found " + count + " times in " + where(at) + " (at lines " + lineList(lines, count)
                + "); include more of the surrounding text to make it unique, or replace all");
    }

    /**
     * Inserts {@code text} after line {@code afterLine} (0: at the top). A line ends with its line break; when
     * something follows the insertion point and the text does not end with a line break, one is added (the
     * file's: CRLF when it has any, else LF), and when the file's last line has no line break and the text goes
     * after it, one is put before the text. In a file with CRLF line breaks, the text's LF line breaks become CRLF,
     * so the file does not mix line endings.
     *
     * @throws InvalidChangeException {@link Reason#LINE_OUT_OF_RANGE} when the file has fewer lines
     */
    public static String insert(String content, int afterLine, String text, String filename, String at) {
        int lines = lineCount(content);
        if (afterLine > lines) {
            throw lineOutOfRange(filename, at, afterLine, lines);
        }
        String eol = eol(content);
        int offset = 0;
        for (int n = 0; n < afterLine; n++) {
            int next = content.indexOf('\n', offset);
            offset = next < 0 ? content.length() : next + 1;
        }
        String before = content.substring(0, offset);
        String after = content.substring(offset);
        // a file with CRLF line breaks keeps them: the text's own line breaks become the file's
        String inserted = eol.equals("\r\n") ? text.replace("\r\n", "\n").replace("\n", "\r\n") : text;
        if (!before.isEmpty() && !before.endsWith("\n")) {
            inserted = eol + inserted;
        }
        if (!after.isEmpty() && !inserted.endsWith("\n")) {
            inserted = inserted + eol;
        }
        return before + inserted + after;
    }

    /** The rejection of an insert after a line the file does not have. */
    static InvalidChangeException lineOutOfRange(String filename, String at, int afterLine, int lines) {
        return new InvalidChangeException(Reason.LINE_OUT_OF_RANGE, "cannot insert into '" + filename + "': line "
                + afterLine + " is past the end of the file, which has " + lines + (lines == 1 ? " line" : " lines")
                + " in " + where(at) + "; the line to insert after must be 0 to " + lines);
    }

    /**
     * The summary of an edit that replaced {@code count} occurrences, e.g. "Edited main.cpp (1 replacement)".
     *
     * @param filename the file
     * @param count    the occurrences replaced
     * @return the summary
     */
    public static String editSummary(String filename, int count) {
        return "Edited " + filename + " (" + count + (count == 1 ? " replacement)" : " replacements)");
    }

    /** The number of lines: line breaks, plus one for a last line without one. */
    public static int lineCount(String content) {
        int breaks = newlines(content, 0, content.length());
        return breaks + (content.isEmpty() || content.endsWith("\n") ? 0 : 1);
    }

    /** The line break a file uses: CRLF when it has any, else LF. */
    static String eol(String content) {
        return content.contains("\r\n") ? "\r\n" : "\n";
    }

    /**
     * The file of that name in a snapshot.
     *
     * @param verb what the change does to it, for the message ("edit", "insert into")
     * @throws InvalidChangeException {@link Reason#NO_SUCH_FILE} when the snapshot has no such file
     */
    public static CodeFile existing(Snapshot snapshot, String verb, String filename) {
        return snapshot.find(filename).orElseThrow(() -> noSuchFile(verb, filename, null));
    }

    /** The rejection of an edit of a file the artifact does not have. */
    public static InvalidChangeException noSuchFile(String verb, String filename, String at) {
        return new InvalidChangeException(Reason.NO_SUCH_FILE, "cannot " + verb + " '" + filename + "': the artifact"
                + " has no such file in " + (at == null ? "the snapshot" : at));
    }

    /** The rejection of a create (or a patch's add or move) of a file that already exists. */
    public static InvalidChangeException fileExists(String verb, String filename, String at) {
        return new InvalidChangeException(Reason.FILE_EXISTS, "cannot " + verb + " '" + filename + "': the file"
                + " already exists in " + (at == null ? "the snapshot" : at) + "; edit it, or delete it first");
    }

    /** The rejection of a new file (or a move) whose name differs from an existing file's only in case. */
    public static InvalidChangeException caseTwin(String verb, String filename, String existing, String at) {
        return new InvalidChangeException(Reason.FILE_EXISTS, "cannot " + verb + " '" + filename + "': the file '"
                + existing + "' already exists in " + (at == null ? "the snapshot" : at) + ", and names that differ"
                + " only in case are one file on Windows and macOS; edit it, or delete it first");
    }

    /** The rejection of an edit whose result is over the per-file limit. */
    static InvalidChangeException resultTooLarge(String filename, long bytes, int limit) {
        return new InvalidChangeException(Reason.CONTENT_TOO_LARGE, "the edit would make '" + filename + "' "
                + bytes + " bytes, over the limit of " + limit + " bytes");
    }

    static String where(String at) {
        return at == null ? "the file" : at;
    }

    static String lineList(List<Integer> lines, int count) {
        StringBuilder out = new StringBuilder();
        for (int line : lines) {
            out.append(out.isEmpty() ? "" : ", ").append(line);
        }
        if (count > lines.size()) {
            out.append(" and ").append(count - lines.size()).append(" more");
        }
        return out.toString();
    }

    /** How many lines a text to insert adds: its line breaks, plus one for a last line without one. */
    public static int insertedLines(String text) {
        return lineCount(text);
    }

    private static int newlines(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
