package dev.gapless.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a V4A hunk's lines (or an anchor line) are in a file, with a bound on the work: at each comparison level
 * (exactly, then ignoring trailing blanks, then blanks at both ends) the candidates are the positions whose line is
 * the pattern's first line, found in one pass; each candidate costs at most one comparison per pattern line, so when
 * {@code candidates * pattern lines} is over {@link #MAX_WORK} the search is refused before it is made, and no search
 * costs more than one pass plus {@link #MAX_WORK} line comparisons. {@code gapless_matches} in PL/pgSQL does the same,
 * with the same bound. Stateless.
 */
final class HunkMatch {

    /** The most line comparisons one search may make after its pass over the file. */
    static final long MAX_WORK = 2_000_000;

    /**
     * A search's result.
     *
     * @param starts     the 0-based positions where the pattern matches, in order (only the first unless all were
     *                   asked for); empty when none, {@code null} when the search was refused as too costly
     * @param candidates  the positions whose line is the pattern's first line, at the level searched last
     * @param comparisons the line comparisons made after the passes over the file (at most {@link #MAX_WORK} per
     *                    level)
     */
    record Result(List<Integer> starts, int candidates, long comparisons) {
    }

    private HunkMatch() {
    }

    /**
     * Searches {@code pattern} in {@code lines} from position {@code from} (only at the end when {@code atEnd}), at
     * the first level where it matches.
     *
     * @param all whether every match is wanted (to refuse an ambiguous hunk), or only the first
     */
    static Result find(List<String> lines, List<String> pattern, int from, boolean atEnd, boolean all) {
        int m = pattern.size();
        int last = lines.size() - m;
        if (last < from) {
            return new Result(List.of(), 0, 0);
        }
        int first = atEnd ? last : from;
        int candidates = 0;
        long comparisons = 0;
        for (int level = 0; level < 3; level++) {
            String head = V4a.normal(pattern.get(0), level);
            List<Integer> at = new ArrayList<>();
            for (int i = first; i <= last; i++) {
                if (V4a.normal(lines.get(i), level).equals(head)) {
                    at.add(i);
                }
            }
            candidates = at.size();
            if ((long) candidates * m > MAX_WORK) {
                return new Result(null, candidates, comparisons);
            }
            List<Integer> starts = new ArrayList<>();
            for (int i : at) {
                int matched = matched(lines, pattern, i, level);
                comparisons += Math.min(matched + 1, m - 1);
                if (matched == m - 1) {
                    starts.add(i);
                    if (!all) {
                        break;
                    }
                }
            }
            if (!starts.isEmpty()) {
                return new Result(starts, candidates, comparisons);
            }
        }
        return new Result(List.of(), candidates, comparisons);
    }

    /** How many of the pattern's lines after its first match at {@code start}, before the first that does not. */
    private static int matched(List<String> lines, List<String> pattern, int start, int level) {
        for (int j = 1; j < pattern.size(); j++) {
            if (!V4a.normal(lines.get(start + j), level).equals(V4a.normal(pattern.get(j), level))) {
                return j - 1;
            }
        }
        return pattern.size() - 1;
    }
}
