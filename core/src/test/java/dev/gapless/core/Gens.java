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

    /**
     * One planned append: its change and idempotency key. {@code replayOf >= 0} marks a replay of an earlier op
     * (same change, same key), as a model response executed twice would send.
     */
    record Op(Change change, String key, int replayOf) {
    }

    /** A workload: files that exist before it starts, then ops run concurrently. */
    record Workload(List<CodeFile> base, List<Op> ops) {
        @Override
        public String toString() {
            return base.size() + " base files, " + ops.size() + " ops: " + ops.stream().map(o ->
                    (o.replayOf() >= 0 ? "replay#" + o.replayOf() : o.change().summary(Snapshot.empty())
                            .replace("Added ", "put ").replace("Removed ", "del "))).toList();
        }
    }

    /**
     * 1..max concurrent ops on overlapping names: adds of new files, updates and deletes of a few base files
     * (so concurrent deletes of one file race), batches, and replays of earlier ops with the same key.
     */
    static Gen<Workload> workloads(int max) {
        Gen<Integer> kinds = integers().between(0, 99);
        return writers(1, max).zip(integers().between(0, Integer.MAX_VALUE), (n, seed) -> {
            java.util.Random random = new java.util.Random(seed);
            List<CodeFile> base = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                base.add(CodeFile.of("base_" + i + ".txt", "base " + i));
            }
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(100);
                String key = "call_" + i;
                if (kind < 10 && !ops.isEmpty()) {
                    int earlier = random.nextInt(ops.size());
                    Op original = ops.get(earlier);
                    ops.add(new Op(original.change(), original.key(), earlier));
                } else if (kind < 45) {
                    ops.add(new Op(Change.put(CodeFile.of("new_" + i + ".cpp", "// " + i)), key, -1));
                } else if (kind < 70) {
                    String name = "base_" + random.nextInt(base.size()) + ".txt";
                    ops.add(new Op(Change.put(CodeFile.of(name, "update " + i)), key, -1));
                } else if (kind < 85) {
                    ops.add(new Op(Change.delete("base_" + random.nextInt(base.size()) + ".txt"), key, -1));
                } else {
                    ops.add(new Op(Change.batch(List.of(Change.put(CodeFile.of("batch_" + i + ".h", "#" + i)),
                            Change.put(CodeFile.of("base_0.txt", "batch " + i)))), key, -1));
                }
            }
            return new Workload(base, ops);
        }).describedAs(Workload::toString);
    }
}
