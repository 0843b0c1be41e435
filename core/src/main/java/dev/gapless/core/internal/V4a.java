package dev.gapless.core.internal;

import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.InvalidChangeException.Reason;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * OpenAI's V4A patch format: parsed into file operations before any I/O, each update compiled into hunks (anchors,
 * the lines it keeps or removes, the lines that replace them), and applied to a file's latest content.
 *
 * <pre>
 * *** Begin Patch
 * *** Add File: path          then its lines, each prefixed '+'
 * *** Delete File: path
 * *** Update File: path
 * *** Move to: new/path       optional
 * &#64;&#64; anchor                   zero or more '&#64;&#64;' lines: each must be found, in order, below the previous
 *  context                    ' ' kept, '-' removed, '+' added; an empty line is an empty kept line
 * *** End of File             optional: the hunk's lines end the file
 * *** End Patch
 * </pre>
 *
 * <p>Applying a hunk: each anchor is looked for from the cursor (the line after the previous hunk); then the hunk's
 * kept and removed lines, in order, from the line after the last anchor (or, with End of File, only at the end of
 * the file). Lines are compared exactly, then ignoring trailing spaces, tabs and CRs, then ignoring them at both
 * ends, as OpenAI's reference implementations do; an anchor's first match wins, but a hunk without an anchor (and
 * not at the end of the file) must match in exactly one place: one that matches in several is refused with their
 * line numbers. Finding a hunk is bounded ({@link HunkMatch}). A hunk with nothing kept or removed adds
 * its lines after its last anchor, or at the end of the file when it has none. A file with CRLF line breaks is
 * matched as LF and written back with CRLF. Whether the file ends with a line break is kept (an empty file gets
 * one). Stateless.
 */
public final class V4a {

    static final String BEGIN = "*** Begin Patch";
    static final String END = "*** End Patch";
    static final String ADD = "*** Add File: ";
    static final String DELETE = "*** Delete File: ";
    static final String UPDATE = "*** Update File: ";
    static final String MOVE = "*** Move to: ";
    static final String END_OF_FILE = "*** End of File";

    private V4a() {
    }

    /** One file operation of a patch; {@code line} is its line in the patch, for messages. */
    public sealed interface FileOp permits Add, Delete, Update {
        /** @return the file the operation names */
        String path();

        /** @return its line in the patch */
        int line();
    }

    /** {@code *** Add File}: the file with these contents; it must not exist. */
    public record Add(String path, String content, int line) implements FileOp {
    }

    /** {@code *** Delete File}: the file must exist. */
    public record Delete(String path, int line) implements FileOp {
    }

    /** {@code *** Update File}, optionally moved: the file must exist (and the new path must not). */
    public record Update(String path, String moveTo, List<Hunk> hunks, int line) implements FileOp {
        /** @return the path the file has afterwards */
        public String target() {
            return moveTo == null ? path : moveTo;
        }
    }

    /**
     * One compiled hunk.
     *
     * @param anchors the {@code @@} lines, looked for in order
     * @param body    its lines with their prefix: {@code ' '} kept, {@code '-'} removed, {@code '+'} added
     * @param atEnd   whether the kept and removed lines must end the file
     * @param line    its first line in the patch
     */
    public record Hunk(List<String> anchors, List<String> body, boolean atEnd, int line) {
        /** Copies the lists. */
        public Hunk {
            anchors = List.copyOf(anchors);
            body = List.copyOf(body);
        }

        /** @return the lines kept or removed, in order: what must be found */
        public List<String> oldLines() {
            return body.stream().filter(l -> l.charAt(0) != '+').map(l -> l.substring(1)).toList();
        }
    }

    /**
     * Parses an envelope.
     *
     * @param text the patch, {@code *** Begin Patch} to {@code *** End Patch}
     * @return its operations, in order; at least one
     * @throws InvalidChangeException {@link Reason#MALFORMED_PATCH} naming the line and what was expected
     */
    public static List<FileOp> parse(String text) {
        String trimmed = text.strip();
        String[] raw = trimmed.split("\n", -1);
        List<String> lines = new ArrayList<>(raw.length);
        for (String line : raw) {
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        if (trimmed.isEmpty() || !lines.get(0).strip().equals(BEGIN)) {
            throw malformed(1, "the first line must be '" + BEGIN + "', was '" + shorten(lines.get(0)) + "'");
        }
        if (lines.size() < 2 || !lines.get(lines.size() - 1).strip().equals(END)) {
            throw malformed(lines.size(), "the last line must be '" + END + "', was '"
                    + shorten(lines.get(lines.size() - 1)) + "'");
        }
        List<FileOp> ops = new ArrayList<>();
        int i = 1;
        int last = lines.size() - 1;
        while (i < last) {
            String header = lines.get(i).strip();
            int at = i + 1;
            if (header.isEmpty()) {
                i++;
            } else if (header.startsWith(ADD)) {
                StringBuilder content = new StringBuilder();
                i++;
                while (i < last && lines.get(i).startsWith("+")) {
                    content.append(lines.get(i), 1, lines.get(i).length()).append('\n');
                    i++;
                }
                ops.add(new Add(path(header, ADD, at), content.toString(), at));
            } else if (header.startsWith(DELETE)) {
                ops.add(new Delete(path(header, DELETE, at), at));
                i++;
            } else if (header.startsWith(UPDATE)) {
                i = update(lines, i, last, ops);
            } else {
                throw malformed(at, "'" + shorten(lines.get(i)) + "' is not a file operation; expected '" + ADD
                        + "path', '" + DELETE + "path' or '" + UPDATE + "path'");
            }
        }
        if (ops.isEmpty()) {
            throw malformed(1, "the patch names no file");
        }
        return ops;
    }

    /** Parses one {@code *** Update File} section from line {@code i}; returns the line after it. */
    private static int update(List<String> lines, int i, int last, List<FileOp> ops) {
        int at = i + 1;
        String path = path(lines.get(i).strip(), UPDATE, at);
        i++;
        String moveTo = null;
        if (i < last && lines.get(i).strip().startsWith(MOVE)) {
            moveTo = path(lines.get(i).strip(), MOVE, i + 1);
            i++;
        }
        List<Hunk> hunks = new ArrayList<>();
        while (i < last) {
            String line = lines.get(i);
            if (line.isBlank()) {
                i++; // blank lines between hunks
                continue;
            }
            if (line.startsWith("***")) {
                break;
            }
            int start = i + 1;
            List<String> anchors = new ArrayList<>();
            boolean headed = false;
            while (i < last && lines.get(i).startsWith("@@")) {
                String anchor = lines.get(i).substring(2);
                if (!anchor.isEmpty() && !anchor.startsWith(" ")) {
                    throw malformed(i + 1, "'" + shorten(lines.get(i)) + "': an anchor line is '@@' or '@@ '"
                            + " followed by a line of the file");
                }
                if (!anchor.isBlank()) {
                    anchors.add(anchor.substring(1));
                }
                headed = true;
                i++;
            }
            if (!headed && !hunks.isEmpty()) {
                throw malformed(i + 1, "'" + shorten(line) + "' is not a hunk line; a hunk's lines start with ' ',"
                        + " '-' or '+', and a new hunk with '@@'");
            }
            List<String> body = new ArrayList<>();
            boolean atEnd = false;
            int count = 0;
            int blankTail = 0;
            while (i < last) {
                String l = lines.get(i);
                if (l.strip().equals(END_OF_FILE)) {
                    atEnd = true;
                    i++;
                    break;
                }
                if (l.isEmpty()) {
                    body.add(" ");
                } else if (l.charAt(0) == ' ' || l.charAt(0) == '-' || l.charAt(0) == '+') {
                    body.add(l);
                } else {
                    break;
                }
                blankTail = l.isEmpty() ? blankTail + 1 : 0;
                count++;
                i++;
            }
            if (count == 0) {
                throw malformed(i + 1, "the hunk of '" + path + "' starting at line " + start + " has no lines;"
                        + " expected lines starting with ' ', '-' or '+'");
            }
            // empty lines closing a hunk are kept lines on both sides (usually the blank line before the next
            // marker): dropping them from both leaves the same edit with less context to match
            body.subList(body.size() - blankTail, body.size()).clear();
            hunks.add(new Hunk(anchors, body, atEnd, start));
        }
        if (hunks.isEmpty() && moveTo == null) {
            throw malformed(at, "'" + UPDATE + path + "' has no hunk");
        }
        ops.add(new Update(path, moveTo != null && moveTo.equals(path) ? null : moveTo, hunks, at));
        return i;
    }

    private static String path(String header, String marker, int line) {
        String path = header.substring(marker.length()).strip();
        if (path.isEmpty()) {
            throw malformed(line, "'" + marker.strip() + "' names no path");
        }
        return InputValidator.normalizeFilename(path); // as every other tool names files: Unicode NFC
    }

    /**
     * The files a patch touches: each file it adds, deletes or updates, and each move's target, once, in order.
     *
     * @param ops the parsed operations
     * @return the filenames, in Unicode NFC
     */
    public static List<String> paths(List<FileOp> ops) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (FileOp op : ops) {
            out.add(op.path());
            if (op instanceof Update u && u.moveTo() != null) {
                out.add(u.moveTo());
            }
        }
        return List.copyOf(out);
    }

    static InvalidChangeException malformed(int line, String what) {
        return new InvalidChangeException(Reason.MALFORMED_PATCH, "the patch is malformed at line " + line + ": "
                + what);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /**
     * Applies an update's hunks to a file's content.
     *
     * @param filename the file, for messages
     * @param at       where the content was read ({@code "version 7"}), or {@code null} for a snapshot
     * @throws InvalidChangeException {@link Reason#PATCH_DOES_NOT_APPLY} naming the hunk and what was not found (or
     *                                that finding it would cost over {@link HunkMatch#MAX_WORK} line comparisons),
     *                                {@link Reason#AMBIGUOUS_MATCH} when a hunk without an anchor matches in more than
     *                                one place, naming the lines
     */
    public static String apply(String content, List<Hunk> hunks, String filename, String at) {
        return apply(content, hunks, filename, at, () -> false);
    }

    /**
     * Applies an update's hunks, abandoning the work once {@code overdue} says so (checked before each hunk).
     *
     * @throws Overdue when {@code overdue} said yes; nothing was applied
     * @see #apply(String, List, String, String)
     */
    static String apply(String content, List<Hunk> hunks, String filename, String at, BooleanSupplier overdue) {
        boolean crlf = content.contains("\r\n");
        String text = crlf ? content.replace("\r\n", "\n") : content;
        boolean endsWithBreak = text.isEmpty() || text.endsWith("\n");
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (endsWithBreak) {
            lines.remove(lines.size() - 1);
        }
        int cursor = 0;
        for (int k = 0; k < hunks.size(); k++) {
            if (overdue.getAsBoolean()) {
                throw new Overdue();
            }
            Hunk h = hunks.get(k);
            String hunk = "cannot patch '" + filename + "': hunk " + (k + 1) + " (line " + h.line() + " of the patch)";
            for (String anchor : h.anchors()) {
                List<String> one = List.of(anchor);
                List<Integer> found = starts(HunkMatch.find(lines, one, cursor, false, false), one, cursor, hunk, at);
                if (found.isEmpty()) {
                    throw new InvalidChangeException(Reason.PATCH_DOES_NOT_APPLY, hunk + " needs the line '"
                            + shorten(anchor) + "' below line " + cursor + ", and " + TextEdits.where(at)
                            + " has none");
                }
                cursor = found.get(0) + 1;
            }
            List<String> oldLines = h.oldLines();
            int start;
            if (oldLines.isEmpty()) {
                start = !h.anchors().isEmpty() && !h.atEnd() ? cursor : lines.size();
            } else {
                boolean unanchored = h.anchors().isEmpty() && !h.atEnd();
                List<Integer> found = starts(HunkMatch.find(lines, oldLines, cursor, h.atEnd(), unanchored),
                        oldLines, cursor, hunk, at);
                if (found.isEmpty()) {
                    throw new InvalidChangeException(Reason.PATCH_DOES_NOT_APPLY, hunk + " expects "
                            + oldLines.size() + (oldLines.size() == 1 ? " line" : " lines") + " starting '"
                            + shorten(oldLines.get(0)) + "' " + (h.atEnd() ? "at the end of" : "below line "
                            + cursor + " of") + " " + TextEdits.where(at) + ", which has no such lines");
                }
                if (found.size() > 1) {
                    List<Integer> listed = new ArrayList<>();
                    for (int i = 0; i < Math.min(found.size(), TextEdits.MAX_LINES_LISTED); i++) {
                        listed.add(found.get(i) + 1);
                    }
                    throw new InvalidChangeException(Reason.AMBIGUOUS_MATCH, hunk + " matches " + found.size()
                            + " places in " + TextEdits.where(at) + " (at lines " + TextEdits.lineList(listed,
                            found.size()) + "); add an '@@' line naming a line above the change, or more context,"
                            + " to make it unique");
                }
                start = found.get(0);
            }
            // kept lines stay as the file has them (they may have matched ignoring blanks); added lines are the patch's
            List<String> next = new ArrayList<>(lines.size() + h.body().size());
            next.addAll(lines.subList(0, start));
            int pos = start;
            for (String l : h.body()) {
                if (l.charAt(0) == '+') {
                    next.add(l.substring(1));
                } else if (l.charAt(0) == ' ') {
                    next.add(lines.get(pos++));
                } else {
                    pos++;
                }
            }
            cursor = next.size();
            next.addAll(lines.subList(pos, lines.size()));
            lines = next;
        }
        if (lines.isEmpty()) {
            return "";
        }
        String out = String.join("\n", lines) + (endsWithBreak ? "\n" : "");
        return crlf ? out.replace("\n", "\r\n") : out;
    }

    /** The matches of a search, or the rejection of a search too costly to make. */
    private static List<Integer> starts(HunkMatch.Result result, List<String> pattern, int cursor, String hunk,
                                        String at) {
        if (result.starts() == null) {
            throw new InvalidChangeException(Reason.PATCH_DOES_NOT_APPLY, hunk + " is too costly to match in "
                    + TextEdits.where(at) + ": the line '" + shorten(pattern.get(0)) + "' it starts with occurs "
                    + result.candidates() + " times below line " + cursor + ", and each place needs up to "
                    + pattern.size() + " line comparisons, over the limit of " + HunkMatch.MAX_WORK + "; start the"
                    + " hunk at a more distinctive line, or add an '@@' line naming one above the change");
        }
        return result.starts();
    }

    /** The work of an apply was abandoned at its deadline; nothing was applied. */
    static final class Overdue extends RuntimeException {
        Overdue() {
            super("abandoned at the deadline", null, false, false);
        }
    }

    /** A line as compared at a level: 0 as is, 1 without trailing blanks, 2 without blanks at either end. */
    static String normal(String line, int level) {
        if (level == 0) {
            return line;
        }
        int end = line.length();
        while (end > 0 && blank(line.charAt(end - 1))) {
            end--;
        }
        int start = 0;
        if (level == 2) {
            while (start < end && blank(line.charAt(start))) {
                start++;
            }
        }
        return line.substring(start, end);
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
