package dev.gapless.core;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Gapless's generators. Tests take their inputs from here and run them through {@link Property}, so that the
 * property-testing engine (QuickTheories today) can be swapped in these two classes.
 */
final class Gens {

    private Gens() {
    }

    /** A number of concurrent writers. */
    static Gen<Integer> writers(int min, int max) {
        return integers().between(min, max);
    }

    /** Printable file content of up to {@code maxLength} characters (may be empty). */
    static Gen<String> content(int maxLength) {
        return strings().basicLatinAlphabet().ofLengthBetween(0, maxLength);
    }

    /** {@code n} files with distinct names and random content, for {@code n} drawn from {@code writers}. */
    static Gen<List<CodeFile>> distinctFiles(int min, int max) {
        return writers(min, max).zip(content(40), (n, text) -> {
            List<CodeFile> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                files.add(new CodeFile("src/file_" + i + ".cpp", "cpp", "// file " + i + "\n" + text,
                        "generated file " + i));
            }
            return files;
        }).describedAs(files -> files.size() + " files");
    }
}
