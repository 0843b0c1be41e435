package dev.gapless.core.spi;

import dev.gapless.core.ConflictRegion;
import java.util.List;

/**
 * The three-way text merge the store uses when a whole-file write was based on an older version of a file that
 * has changed since. Core has no merge engine of its own: {@code gapless-text} provides one (JGit's
 * {@code MergeAlgorithm}), found with {@link java.util.ServiceLoader}, or given to
 * {@code ArtifactStore.builder(...).merger(...)}. Without one, such a write is refused, never silently overwritten.
 *
 * <p>Texts are split into lines at {@code \n}; a line keeps its {@code \r} and the last line may lack its
 * terminator, and both survive the merge byte for byte. The store only hands over text (no NUL) within its merge
 * size limit. Implementations must be thread-safe and stateless.
 */
public interface TextMerger {

    /**
     * Merges two sets of changes to one base.
     *
     * @param base   the text both sides started from
     * @param ours   the text of the write being applied
     * @param theirs the text at the head
     * @return {@link Merged} when the changes do not overlap, else {@link Conflicted}
     */
    Result merge(String base, String ours, String theirs);

    /**
     * The regions in which {@code after} differs from {@code before}, in order: used to tell which version changed
     * which lines.
     *
     * @param before the older text
     * @param after  the newer text
     * @return the edits, in order, not overlapping
     */
    List<Edit> diff(String before, String after);

    /** The outcome of {@link #merge}. */
    sealed interface Result permits Merged, Conflicted {
    }

    /**
     * A clean merge.
     *
     * @param text   the merged text
     * @param theirs the regions of the merged text taken from {@code theirs} where it differs from the base
     */
    record Merged(String text, List<Taken> theirs) implements Result {
        /**
         * Creates a {@code Merged}.
         *
         * @param text   the merged text
         * @param theirs the regions of the merged text taken from {@code theirs} where it differs from the base
         * @throws NullPointerException if an argument is {@code null}
         */
        public Merged {
            java.util.Objects.requireNonNull(text, "text");
            theirs = List.copyOf(theirs);
        }
    }

    /**
     * Overlapping changes.
     *
     * @param conflicts the overlapping regions, at least one
     */
    record Conflicted(List<ConflictRegion> conflicts) implements Result {
        /**
         * Creates a {@code Conflicted}.
         *
         * @param conflicts the overlapping regions, at least one
         * @throws NullPointerException if {@code conflicts} is {@code null}
         */
        public Conflicted {
            conflicts = List.copyOf(conflicts);
        }
    }

    /**
     * A region of the merged text that came from {@code theirs}: lines {@code [resultBegin, resultEnd)} of the
     * merged text are lines {@code [theirsBegin, theirsEnd)} of {@code theirs} (0-based, end exclusive; equal begin
     * and end for a removal).
     *
     * @param resultBegin the first line in the merged text
     * @param resultEnd   the end in the merged text
     * @param theirsBegin the first line in {@code theirs}
     * @param theirsEnd   the end in {@code theirs}
     */
    record Taken(int resultBegin, int resultEnd, int theirsBegin, int theirsEnd) {
    }

    /**
     * Lines {@code [beginA, endA)} of the older text were replaced by lines {@code [beginB, endB)} of the newer
     * (0-based, end exclusive; an empty range on either side for an insertion or a removal).
     *
     * @param beginA first line in the older text
     * @param endA   end in the older text
     * @param beginB first line in the newer text
     * @param endB   end in the newer text
     */
    record Edit(int beginA, int endA, int beginB, int endB) {
    }
}
