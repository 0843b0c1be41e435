package dev.gapless.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ConflictRegion;
import dev.gapless.core.spi.TextMerger;
import java.util.List;
import org.junit.jupiter.api.Test;

class JGitTextMergerTest {

    private final TextMerger merger = new JGitTextMerger();

    @Test
    void changesToDifferentLinesMergeAndSayWhichLinesCameFromTheirs() {
        String base = "a\nb\nc\nd\ne\n";
        TextMerger.Result r = merger.merge(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nD\nD2\ne\n");
        assertThat(r).isInstanceOf(TextMerger.Merged.class);
        TextMerger.Merged m = (TextMerger.Merged) r;
        assertThat(m.text()).isEqualTo("A\nb\nc\nD\nD2\ne\n");
        assertThat(m.theirs()).containsExactly(new TextMerger.Taken(3, 5, 3, 5));
    }

    @Test
    void overlappingChangesConflictWithBothSidesAndTheBase() {
        TextMerger.Result r = merger.merge("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n");
        assertThat(r).isInstanceOf(TextMerger.Conflicted.class);
        assertThat(((TextMerger.Conflicted) r).conflicts())
                .containsExactly(new ConflictRegion(2, 2, List.of("b"), List.of("B1"), List.of("B2")));
    }

    /**
     * Found by the chaos workload: two writers that each added the same file, with lines in common, from a view
     * without it (base ""): JGit reports the base range as 3..-1, which failed with IllegalArgumentException instead of
     * a conflict.
     */
    @Test
    void twoAdditionsOfOneFileFromAnEmptyBaseConflictWithAnEmptyBaseRegion() {
        TextMerger.Result r = merger.merge("", "a\nb\nc\nX\ne\nf\n", "a\nb\nc\nd\ne\nY\n");
        assertThat(r).isInstanceOf(TextMerger.Conflicted.class);
        List<ConflictRegion> conflicts = ((TextMerger.Conflicted) r).conflicts();
        assertThat(conflicts).isNotEmpty().allSatisfy(c -> assertThat(c.base()).isEmpty());
        assertThat(conflicts.get(0).ours()).contains("X");
        assertThat(conflicts.get(0).theirs()).contains("d");
    }

    @Test
    void crlfLineEndingsAndAMissingFinalNewlineSurviveTheMerge() {
        String base = "one\r\ntwo\r\nthree\r\nfour";
        TextMerger.Merged m = (TextMerger.Merged) merger.merge(base, "ONE\r\ntwo\r\nthree\r\nfour",
                "one\r\ntwo\r\nthree\r\nFOUR");
        assertThat(m.text()).isEqualTo("ONE\r\ntwo\r\nthree\r\nFOUR");
    }

    @Test
    void aMissingFinalNewlineIsAChangeOfItsOwn() {
        TextMerger.Merged m = (TextMerger.Merged) merger.merge("a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nd");
        assertThat(m.text()).isEqualTo("A\nb\nc\nd");
    }

    @Test
    void mergesOntoAnEmptyBase() {
        assertThat(merger.merge("", "x\n", "")).isEqualTo(new TextMerger.Merged("x\n", List.of()));
        assertThat(merger.merge("", "", "y\n"))
                .isEqualTo(new TextMerger.Merged("y\n", List.of(new TextMerger.Taken(0, 1, 0, 1))));
        assertThat(merger.merge("", "x\n", "y\n")).isInstanceOf(TextMerger.Conflicted.class);
    }

    @Test
    void diffListsTheReplacedRegions() {
        assertThat(merger.diff("a\nb\nc\n", "a\nB\nc\nd\n")).containsExactly(new TextMerger.Edit(1, 2, 1, 2),
                new TextMerger.Edit(3, 3, 3, 4));
    }

    @Test
    void aSideLeftAsTheBaseTakesTheOtherWhole() {
        assertThat(merger.merge("a\nb\n", "a\nb\n", "a\nB\n"))
                .isEqualTo(new TextMerger.Merged("a\nB\n", List.of(new TextMerger.Taken(1, 2, 1, 2))));
        assertThat(merger.merge("a\n", "", "a\n")).isEqualTo(new TextMerger.Merged("", List.of()));
    }

    @Test
    void theServiceLoaderCanFindIt() throws Exception {
        Module module = JGitTextMerger.class.getModule();
        if (module.isNamed()) {
            assertThat(module.getDescriptor().provides()).anySatisfy(p -> {
                assertThat(p.service()).isEqualTo(TextMerger.class.getName());
                assertThat(p.providers()).containsExactly(JGitTextMerger.class.getName());
            });
        }
        try (var in = JGitTextMerger.class.getResourceAsStream("/META-INF/services/" + TextMerger.class.getName())) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim())
                    .isEqualTo(JGitTextMerger.class.getName());
        }
    }
}
