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

    /**
     * 1..max edits, one after another, of three base files (LF, CRLF with repeated lines, and a last line without a
     * line break): replacements that match once, several times or not at all, inserts in and past the file, creates
     * of new and existing files, V4A patches that add, update (with anchors, at the end of the file), move and delete,
     * some whose context is gone; mixed with puts and deletes so that files come and go.
     */
    static Gen<Workload> editWorkloads(int max) {
        return writers(1, max).zip(integers().between(0, Integer.MAX_VALUE), (n, seed) -> {
            java.util.Random random = new java.util.Random(seed);
            List<CodeFile> base = List.of(
                    CodeFile.of("a.txt", "alpha 0\nalpha 1\nalpha 2\nalpha 3\nalpha 4\n"),
                    new CodeFile("b.txt", "text", "beta\r\ngamma\r\nbeta\r\n", "crlf"),
                    CodeFile.of("c.txt", "x = 1\ny = 2"));
            String[] names = {"a.txt", "b.txt", "c.txt", "d.txt"};
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = names[random.nextInt(names.length)];
                int k = random.nextInt(5);
                Change change = switch (random.nextInt(12)) {
                    case 0 -> Change.edit("a.txt", "alpha " + k, "ALPHA " + i);
                    case 1 -> Change.edit("b.txt", "beta", "beta" + i, random.nextBoolean());
                    case 2 -> Change.edit(name, random.nextBoolean() ? "nope" : "= ", "=" + i);
                    case 3 -> Change.insert(name, random.nextInt(8), random.nextBoolean() ? "ins " + i + "\n" : "ins " + i);
                    case 4 -> Change.create(CodeFile.of(random.nextBoolean() ? "new_" + i + ".txt" : name, "new " + i));
                    case 5 -> Change.patch("*** Begin Patch\n*** Update File: a.txt\n@@ alpha " + k + "\n-alpha "
                            + (k + 1) + "\n+ALPHA " + i + "\n*** End Patch");
                    case 6 -> Change.patch("*** Begin Patch\n*** Add File: p_" + i + ".txt\n+one\n+two\n"
                            + "*** Delete File: " + name + "\n*** End Patch");
                    case 7 -> Change.patch("*** Begin Patch\n*** Update File: b.txt\n*** Move to: d.txt\n@@\n"
                            + " gamma\n-beta\n+delta " + i + "\n*** End Patch");
                    case 8 -> Change.patch("*** Begin Patch\n*** Update File: " + name + "\n@@\n y = 2\n+z = " + i
                            + "\n*** End of File\n*** End Patch");
                    case 9 -> Change.batch(List.of(Change.edit("c.txt", "x = 1", "x = " + i),
                            Change.insert("a.txt", 1, "after one " + i + "\n")));
                    case 10 -> Change.delete(name);
                    default -> Change.put(CodeFile.of(name, "alpha 0\nbeta\r\ny = 2\n" + i));
                };
                ops.add(new Op(change, "call_" + i, -1));
            }
            return new Workload(base, ops);
        }).describedAs(w -> w.ops().size() + " edits: " + w.ops().stream().map(o -> o.change().getClass()
                .getSimpleName()).toList());
    }

    /**
     * Writers of one file of {@code lines} numbered lines, all from the same view of it: writer {@code i} replaces
     * lines {@code from[i]..to[i]} (1-based, inclusive) with its own text, as a whole-file put ({@code edit[i]}
     * false) or as an edit of exactly those lines.
     */
    record LineWriters(int lines, int[] from, int[] to, boolean[] edit) {
        int size() {
            return from.length;
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(lines + " lines:");
            for (int i = 0; i < from.length; i++) {
                out.append(' ').append(edit[i] ? "edit" : "put").append(' ').append(from[i]).append('-').append(to[i]);
            }
            return out.toString();
        }
    }

    /**
     * 2..max writers of random line ranges of one file: {@code disjoint} ranges keep at least one unchanged line
     * between any two (else they may overlap or touch anywhere).
     */
    static Gen<LineWriters> lineWriters(int max, boolean disjoint) {
        return writers(2, max).zip(integers().between(0, Integer.MAX_VALUE), (n, seed) -> {
            java.util.Random random = new java.util.Random(seed);
            int slot = 6;
            int lines = disjoint ? n * slot + 1 : 10 + random.nextInt(20);
            int[] from = new int[n];
            int[] to = new int[n];
            boolean[] edit = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (disjoint) {
                    from[i] = i * slot + 2 + random.nextInt(2);
                    to[i] = from[i] + random.nextInt(slot - 1 - (from[i] - i * slot - 1));
                } else {
                    from[i] = 1 + random.nextInt(lines);
                    to[i] = Math.min(lines, from[i] + random.nextInt(4));
                }
                edit[i] = random.nextInt(3) == 0;
            }
            return new LineWriters(lines, from, to, edit);
        });
    }
}
