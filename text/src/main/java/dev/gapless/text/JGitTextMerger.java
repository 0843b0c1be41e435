package dev.gapless.text;

import dev.gapless.core.ConflictRegion;
import dev.gapless.core.spi.TextMerger;
import dev.gapless.text.internal.Lines;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeChunk;
import org.eclipse.jgit.merge.MergeResult;

/**
 * The {@link TextMerger} of gapless-core, on JGit: {@link MergeAlgorithm} with {@link HistogramDiff} merges three
 * in-memory {@link RawText}s, and the merged text is copied from their bytes, so that every line keeps its own
 * terminator ({@code \n} or {@code \r\n}) and a missing final newline stays missing. Lines compare byte for byte,
 * terminators included. Stateless and thread-safe.
 */
public final class JGitTextMerger implements TextMerger {

    private static final DiffAlgorithm DIFF = new HistogramDiff();

    /** A merger; the {@link java.util.ServiceLoader} calls this. */
    public JGitTextMerger() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    @Override
    public Result merge(String base, String ours, String theirs) {
        if (theirs.equals(base) || ours.equals(theirs)) {
            return new Merged(ours, List.of());
        }
        if (ours.equals(base)) {
            // all theirs; decided here because JGit takes an emptied side as a conflict with any change
            List<Taken> taken = new ArrayList<>();
            for (Edit e : diff(base, theirs)) {
                if (e.endB() > e.beginB()) {
                    taken.add(new Taken(e.beginB(), e.endB(), e.beginB(), e.endB()));
                }
            }
            return new Merged(theirs, taken);
        }
        Lines b = Lines.of(base);
        Lines o = Lines.of(ours);
        Lines t = Lines.of(theirs);
        MergeResult<RawText> result = new MergeAlgorithm(DIFF).merge(RawTextComparator.DEFAULT, b.raw(), o.raw(),
                t.raw());
        Lines[] sequences = {b, o, t};
        if (result.containsConflicts()) {
            return new Conflicted(conflicts(result, sequences));
        }
        StringBuilder text = new StringBuilder(Math.max(ours.length(), theirs.length()));
        List<Taken> taken = new ArrayList<>();
        int line = 0;
        for (MergeChunk chunk : result) {
            Lines from = sequences[chunk.getSequenceIndex()];
            text.append(from.text(chunk.getBegin(), chunk.getEnd()));
            int next = line + chunk.getEnd() - chunk.getBegin();
            if (chunk.getSequenceIndex() == 2 && next > line) {
                taken.add(new Taken(line, next, chunk.getBegin(), chunk.getEnd()));
            }
            line = next;
        }
        return new Merged(text.toString(), taken);
    }

    private static List<ConflictRegion> conflicts(MergeResult<RawText> result, Lines[] sequences) {
        List<ConflictRegion> out = new ArrayList<>();
        int baseLine = 0; // where the base stands after the last chunk that came from it
        MergeChunk ours = null;
        MergeChunk base = null;
        for (MergeChunk chunk : result) {
            switch (chunk.getConflictState()) {
                case NO_CONFLICT -> {
                    if (chunk.getSequenceIndex() == 0) {
                        baseLine = chunk.getEnd();
                    }
                }
                case FIRST_CONFLICTING_RANGE -> {
                    ours = chunk;
                    base = null;
                }
                case BASE_CONFLICTING_RANGE -> base = chunk;
                case NEXT_CONFLICTING_RANGE -> {
                    // JGit gives the base range of a conflict between two additions to an empty base as e.g.
                    // 3..-1: clamped to the base's lines, an empty range where the base has none
                    int size = sequences[0].size();
                    int from = Math.min(Math.max(base != null ? base.getBegin() : baseLine, 0), size);
                    int to = Math.min(Math.max(base != null ? base.getEnd() : baseLine, from), size);
                    out.add(new ConflictRegion(from + 1, to, sequences[0].lines(from, to),
                            sequences[1].lines(ours.getBegin(), ours.getEnd()),
                            sequences[2].lines(chunk.getBegin(), chunk.getEnd())));
                    baseLine = to;
                }
                default -> throw new IllegalStateException("unknown merge chunk " + chunk.getConflictState());
            }
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    @Override
    public List<Edit> diff(String before, String after) {
        EditList edits = DIFF.diff(RawTextComparator.DEFAULT, Lines.of(before).raw(), Lines.of(after).raw());
        List<Edit> out = new ArrayList<>(edits.size());
        for (org.eclipse.jgit.diff.Edit e : edits) {
            out.add(new Edit(e.getBeginA(), e.getEndA(), e.getBeginB(), e.getEndB()));
        }
        return out;
    }
}
