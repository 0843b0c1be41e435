package dev.gapless.cli;

import dev.gapless.cli.race.RaceResult;
import java.util.List;
import java.util.Locale;

/** Formats race results as a plain-text table, one row per strategy. */
final class RaceTable {

    private static final String[] HEADERS =
        {"strategy", "files", "created", "lost", "versions", "retries", "failures", "p50 ms", "p99 ms", "wall ms"};

    private RaceTable() {
    }

    static String format(List<RaceResult> results) {
        String[][] cells = new String[results.size() + 1][];
        cells[0] = HEADERS;
        for (int i = 0; i < results.size(); i++) {
            RaceResult r = results.get(i);
            cells[i + 1] = new String[] {r.strategy(), Integer.toString(r.files()), Integer.toString(r.created()),
                Integer.toString(r.lost()), Integer.toString(r.versions()), Integer.toString(r.retries()),
                Integer.toString(r.failures()), ms(r.p50Ms()), ms(r.p99Ms()), ms(r.wallMs())};
        }
        int[] widths = new int[HEADERS.length];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < cells.length; r++) {
            appendRow(out, cells[r], widths);
            if (r == 0) {
                String[] rule = new String[widths.length];
                for (int c = 0; c < widths.length; c++) {
                    rule[c] = "-".repeat(widths[c]);
                }
                appendRow(out, rule, widths);
            }
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String[] row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
            if (c > 0) {
                line.append("  ");
            }
            // the strategy column is left-aligned, the numbers right-aligned
            line.append(String.format(c == 0 ? "%-" + widths[c] + "s" : "%" + widths[c] + "s", row[c]));
        }
        out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.2f", millis);
    }
}
