package dev.gapless.cli.race;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RaceResultTest {

    private static final long MS = 1_000_000L;

    @Test
    void countsAndPercentilesOfOneRun() {
        RaceRun run = new RaceRun("naive", 4, 1, 1, 0,
                List.of(new IllegalStateException("a"), new IllegalStateException("b"),
                        new IllegalStateException("c")),
                new long[] {40 * MS, 10 * MS, 30 * MS, 20 * MS}, 45 * MS);

        RaceResult result = RaceResult.of(List.of(run));

        assertThat(result).isEqualTo(new RaceResult("naive", 4, 1, 3, 1, 0, 3, 20.0, 40.0, 45.0));
    }

    @Test
    void severalRunsAreTotalledWithTheMedianWallTime() {
        RaceRun first = new RaceRun("seed-retry", 2, 2, 2, 1, List.of(), new long[] {1 * MS, 3 * MS}, 5 * MS);
        RaceRun second = new RaceRun("seed-retry", 2, 1, 1, 3, List.of(new IllegalStateException()),
                new long[] {2 * MS, 4 * MS}, 9 * MS);
        RaceRun third = new RaceRun("seed-retry", 2, 2, 2, 0, List.of(), new long[] {5 * MS, 6 * MS}, 7 * MS);

        RaceResult result = RaceResult.of(List.of(first, second, third));

        assertThat(result).isEqualTo(new RaceResult("seed-retry", 6, 5, 1, 5, 4, 1, 3.0, 6.0, 7.0));
    }

    @Test
    void nearestRankPercentile() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(RaceResult.percentile(sorted, 0.50)).isEqualTo(50);
        assertThat(RaceResult.percentile(sorted, 0.99)).isEqualTo(99);
        assertThat(RaceResult.percentile(new long[] {7}, 0.99)).isEqualTo(7);
    }
}
