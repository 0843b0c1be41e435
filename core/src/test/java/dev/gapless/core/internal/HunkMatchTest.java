package dev.gapless.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.AppendTimeoutException;
import dev.gapless.core.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The work bound of hunk matching, counted rather than timed: the worst input (every line of the file equal to the
 * pattern's first line, the pattern failing only at its last line) costs at most {@link HunkMatch#MAX_WORK} line
 * comparisons per level, and an input that would cost more is refused before any comparison is made; and a patch
 * applied under the artifact's lock is abandoned once the write's deadline passes.
 */
class HunkMatchTest {

    private static List<String> repeated(String line, int n, String last) {
        List<String> out = new ArrayList<>(Collections.nCopies(n, line));
        if (last != null) {
            out.add(last);
        }
        return out;
    }

    @Test
    void theWorstSearchWithinTheBoundMakesAtMostTheBoundOfComparisonsPerLevel() {
        // 2,000 candidates x 1,000 pattern lines = the bound: searched, and found nowhere
        List<String> file = repeated("x = 1;", 2_999, null);
        List<String> pattern = repeated("x = 1;", 999, "y = 2;");
        HunkMatch.Result r = HunkMatch.find(file, pattern, 0, false, true);
        assertThat(r.starts()).isEmpty();
        assertThat(r.candidates()).isEqualTo(2_000);
        assertThat(r.comparisons()).isPositive().isLessThanOrEqualTo(3 * HunkMatch.MAX_WORK);
        assertThat(r.comparisons()).isEqualTo(3L * 2_000 * 999); // every candidate fails at the pattern's last line
    }

    @Test
    void aSearchOverTheBoundIsRefusedBeforeAnyComparison() {
        // the shape of the reported patch: 20,000 context lines of 3 bytes (60 KB) against a 400 KB file of such lines
        List<String> file = repeated("}", 200_000, null);
        List<String> pattern = repeated("}", 19_999, "return;");
        HunkMatch.Result r = HunkMatch.find(file, pattern, 0, false, true);
        assertThat(r.starts()).isNull();
        assertThat(r.candidates()).isEqualTo(180_001);
        assertThat(r.comparisons()).isZero();
    }

    @Test
    void aPatchOfTwentyThousandContextLinesIsRefusedAsTooCostlyNamingTheLimit() {
        String file = "}\n".repeat(200_000);
        List<String> body = new ArrayList<>(Collections.nCopies(19_999, " }"));
        body.add("-return;");
        V4a.Hunk hunk = new V4a.Hunk(List.of(), body, false, 3);
        assertThatThrownBy(() -> V4a.apply(file, List.of(hunk), "main.cpp", "version 2"))
                .hasMessageContaining("cannot patch 'main.cpp': hunk 1 (line 3 of the patch) is too costly to match"
                        + " in version 2")
                .hasMessageContaining("the line '}' it starts with occurs 180001 times below line 0, and each place"
                        + " needs up to 20000 line comparisons, over the limit of 2000000");
    }

    @Test
    void applyIsAbandonedWhenItsDeadlineHasPassed() {
        V4a.Hunk hunk = new V4a.Hunk(List.of(), List.of("-a", "+b"), false, 2);
        assertThatThrownBy(() -> V4a.apply("a\n", List.of(hunk), "f.txt", "version 1", () -> true))
                .isInstanceOf(V4a.Overdue.class);
        assertThat(V4a.apply("a\n", List.of(hunk), "f.txt", "version 1", () -> false)).isEqualTo("b\n");
    }

    @Test
    void aPatchUnderTheLockIsAbandonedOnceItsDeadlinePassesWithNothingWritten() {
        // the clock passes the deadline after the write's own start check: the patch's first hunk sees it
        Instant deadline = Instant.parse("2026-01-01T00:00:10Z");
        Clock clock = new Clock() {
            private int reads;

            @Override
            public Instant instant() {
                return reads++ == 0 ? deadline.minusSeconds(1) : deadline;
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        HeadState.FileRow row = new HeadState.FileRow("f.txt", "", "", Digest.of("a\n"), 2, 1, 0);
        HeadState state = new HeadState(new Limits(100, 1 << 20, 1 << 24), TimeSource.of(clock), 1, 1, 2, 0,
                Map.of("f.txt", row), Map.of(), Map.of("f.txt", "a\n"));
        PreparedChange change = PreparedChange.of(dev.gapless.core.Change.patch(
                "*** Begin Patch\n*** Update File: f.txt\n@@\n-a\n+b\n*** End Patch"));
        Member member = new Member(new AppendRequest(UUID.randomUUID(), change, null, null, Duration.ofSeconds(10),
                deadline, System.nanoTime()), TimeSource.SYSTEM);
        MemberResult result = state.apply(member, 1, true);
        assertThat(result).isInstanceOf(MemberResult.Rejected.class);
        assertThat(((MemberResult.Rejected) result).failure()).isInstanceOf(AppendTimeoutException.class)
                .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED));
        assertThat(state.versions()).isEmpty();
        assertThat(state.upserts()).isEmpty();
    }
}
