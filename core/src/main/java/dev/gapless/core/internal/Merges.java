package dev.gapless.core.internal;

import dev.gapless.core.FileMerge;
import dev.gapless.core.MergeConflictException;
import dev.gapless.core.MergedRegion;
import dev.gapless.core.spi.TextMerger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge of a put whose file changed since its base: what may be merged (text within the size limit), the
 * three-way merge itself ({@link TextMerger}, from gapless-text) and which version changed each merged region.
 * Immutable and thread-safe.
 */
public final class Merges {

    /** The largest text (base, write or head, in UTF-8 bytes) that is merged. */
    public static final int MAX_MERGE_BYTES = 1 << 20;

    private final TextMerger merger;

    /** @param merger the merge engine, or {@code null} when none is available (a stale put is then refused) */
    public Merges(TextMerger merger) {
        this.merger = merger;
    }

    /**
     * The merged file.
     *
     * @param text  the merged content
     * @param merge what the result reports
     */
    record Merged(String text, FileMerge merge) {
    }

    /**
     * Merges {@code ours} (based on {@code baseText}) onto the file as {@code history} and then {@code more}
     * changed it.
     *
     * @param head     the head version the write meets
     * @param baseText the file at the base, or {@code null} when it did not exist there
     * @param ours     the write's content
     * @param steps    the versions that changed the file since the base, oldest first, at least one
     * @return the merged file, or {@code null} when there is nothing to merge (the head's file is the base's, or
     *         already this write's, or absent in both): the write is then written as it is
     * @throws MergeConflictException when the changes overlap or the file cannot be merged
     */
    Merged merge(String filename, int base, int head, String baseText, String ours, List<FileHistory.Step> steps) {
        String theirs = steps.get(steps.size() - 1).text();
        if (theirs == null) {
            if (baseText == null) {
                return null; // added and deleted since: written as it is
            }
            throw new MergeConflictException(filename, base, head, "it was deleted by version "
                    + steps.get(steps.size() - 1).version());
        }
        String b = baseText == null ? "" : baseText;
        if (ours.equals(theirs) || theirs.equals(b)) {
            return null; // nothing to merge: written as it is
        }
        if (merger == null) {
            throw new MergeConflictException(filename, base, head, "no merger available (put gapless-text on the"
                    + " class path, or give one to ArtifactStore.builder(...).merger(...))");
        }
        for (String text : new String[] {b, ours, theirs}) {
            if (text.indexOf('\0') >= 0) {
                throw new MergeConflictException(filename, base, head, "it is not text (it contains a NUL"
                        + " character)");
            }
            if (text.length() > MAX_MERGE_BYTES / 3 && text.getBytes(StandardCharsets.UTF_8).length
                    > MAX_MERGE_BYTES) {
                throw new MergeConflictException(filename, base, head, "it is over the merge size limit of "
                        + MAX_MERGE_BYTES + " bytes");
            }
        }
        TextMerger.Result result = merger.merge(b, ours, theirs);
        if (result instanceof TextMerger.Conflicted conflicted) {
            throw new MergeConflictException(filename, base, head, conflicted.conflicts());
        }
        TextMerger.Merged merged = (TextMerger.Merged) result;
        return new Merged(merged.text(), new FileMerge(filename, base, head, regions(b, steps, merged.theirs())));
    }

    /** Which version last changed each line of the head, then the merged regions split by version. */
    private List<MergedRegion> regions(String base, List<FileHistory.Step> steps, List<TextMerger.Taken> taken) {
        int[] blame = new int[lineCount(base)];
        String previous = base;
        Map<Integer, String> keys = new HashMap<>();
        for (FileHistory.Step step : steps) {
            keys.put(step.version(), step.key());
            String next = step.text() == null ? "" : step.text();
            int[] after = new int[lineCount(next)];
            int a = 0;
            int b = 0;
            for (TextMerger.Edit e : merger.diff(previous, next)) {
                while (b < e.beginB()) {
                    after[b++] = blame[a++];
                }
                while (b < e.endB()) {
                    after[b++] = step.version();
                }
                a = e.endA();
            }
            while (b < after.length) {
                after[b++] = blame[a++];
            }
            blame = after;
            previous = next;
        }
        List<MergedRegion> out = new ArrayList<>();
        for (TextMerger.Taken t : taken) {
            int i = t.theirsBegin();
            while (i < t.theirsEnd()) {
                int v = blame[i];
                int j = i;
                while (j < t.theirsEnd() && blame[j] == v) {
                    j++;
                }
                if (v != 0) {
                    int from = t.resultBegin() + (i - t.theirsBegin()) + 1;
                    out.add(new MergedRegion(from, from + (j - i) - 1, v, keys.get(v)));
                }
                i = j;
            }
        }
        return out;
    }

    /** The number of lines as the merger counts them: split after each {@code \n}, a last unterminated line too. */
    static int lineCount(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return text.isEmpty() || text.charAt(text.length() - 1) == '\n' ? n : n + 1;
    }
}
