package dev.gapless.chaos;

import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Snapshot;
import dev.gapless.core.spi.TextMerger;
import dev.gapless.text.JGitTextMerger;
import java.util.Objects;

/**
 * What a put that said its base must have stored, from the replayed history alone: the rule of
 * {@code Change.put(file, baseVersion)} written out independently of the store's code path. With B the file at the
 * base (absent at 0), W the write and H the file just before the version that carries it:
 * <ul>
 *   <li>H absent: W when B was absent too, else a conflict (deleted since the base);</li>
 *   <li>H equal to W, or to B (nothing to merge): W;</li>
 *   <li>otherwise the three-way merge of B (empty when absent), W and H by JGit's merger: its text, or a conflict.</li>
 * </ul>
 * Not thread-safe (one per checked artifact).
 */
final class MergeOracle {

    /** What the stored change must be. */
    sealed interface Expected permits Known, Conflict, Unknowable {
    }

    /** The change as it must be stored. */
    record Known(Change change) implements Expected {
    }

    /** The merge conflicts: nothing may be stored. */
    record Conflict(String why) implements Expected {
    }

    /** The base's or the previous version's content is not known (pruned, or after a damaged version). */
    record Unknowable() implements Expected {
    }

    private final HistoryReplay replay;
    private final TextMerger merger = new JGitTextMerger();

    MergeOracle(HistoryReplay replay) {
        this.replay = Objects.requireNonNull(replay, "replay");
    }

    /** What version {@code k} must store for {@code sent}: {@code sent} itself unless it is a put with a base. */
    Expected stored(Change sent, int k) {
        if (!(sent instanceof Change.PutFile put) || put.baseVersion() == Change.PutFile.NO_BASE) {
            return new Known(sent);
        }
        Snapshot base = replay.snapshot(put.baseVersion());
        Snapshot before = replay.snapshot(k - 1);
        if (base == null || before == null) {
            return new Unknowable();
        }
        String name = put.file().filename();
        String text = merge(text(base, name), put.file().content(), text(before, name));
        if (text == null) {
            return new Conflict("merging it (based on version " + put.baseVersion() + ") onto version " + (k - 1)
                    + " conflicts");
        }
        CodeFile file = put.file();
        return new Known(Change.put(new CodeFile(file.filename(), file.language(), text, file.description()),
                put.baseVersion()));
    }

    /**
     * Checks an append acknowledged as unchanged at {@code head}: each put's result is the head's file already.
     *
     * @return what is wrong, or {@code null}
     */
    String unchangedAt(Change sent, int head) {
        Snapshot at = replay.snapshot(head);
        if (at == null) {
            return null; // not knowable
        }
        for (Change leaf : sent instanceof Change.Batch b ? b.changes() : java.util.List.of(sent)) {
            if (!(leaf instanceof Change.PutFile put)) {
                return "it holds a " + leaf.getClass().getSimpleName() + ", which always changes the artifact";
            }
            String name = put.file().filename();
            String expected = put.file().content();
            if (put.baseVersion() != Change.PutFile.NO_BASE) {
                Snapshot base = replay.snapshot(put.baseVersion());
                if (base == null) {
                    return null;
                }
                expected = merge(text(base, name), expected, text(at, name));
            }
            CodeFile now = at.find(name).orElse(null);
            if (expected == null || now == null || !now.content().equals(expected)
                    || !now.language().equals(put.file().language())
                    || !now.description().equals(put.file().description())) {
                return "its '" + name + "' is not that version's file";
            }
        }
        return null;
    }

    private static String text(Snapshot s, String name) {
        return s.find(name).map(CodeFile::content).orElse(null);
    }

    /** The rule above: the text to store, or {@code null} for a conflict. */
    private String merge(String base, String ours, String head) {
        if (head == null) {
            return base == null ? ours : null;
        }
        String b = base == null ? "" : base;
        if (head.equals(ours) || head.equals(b)) {
            return ours;
        }
        TextMerger.Result result = merger.merge(b, ours, head);
        return result instanceof TextMerger.Merged merged ? merged.text() : null;
    }
}
