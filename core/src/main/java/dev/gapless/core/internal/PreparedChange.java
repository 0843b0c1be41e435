package dev.gapless.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A validated change made ready for storage before any lock is taken: its leaves in the order they apply, every
 * put's content hashed, the distinct contents by digest, the request JSON (contents referenced by digest, edits as
 * they were asked for, patches compiled into hunks) and the digest of that JSON, which tells a replay of a keyed
 * append from a reuse of its key. An edit's result is known only under the lock: the JSON stored for the version is
 * the request JSON with each edit's resulting file filled in ({@link ChangeJson#stored}). Immutable and thread-safe.
 */
public final class PreparedChange {

    /**
     * One put, delete or edit, in the order the change applies them. {@code label} is the leaf's part of the
     * version's summary: {@code null} when computed from the state it applies to ("Added"/"Updated", "Removed",
     * "Edited … (n replacements)"), {@code ""} for none (the other leaves of a patch), else the text itself.
     */
    public sealed interface Leaf permits Put, Delete, Edit {
        /** @return the file the leaf produces or removes */
        String filename();

        /** @return the leaf's part of the summary (see {@link Leaf}) */
        String label();
    }

    /**
     * Puts a file.
     *
     * @param file       the file, with its content
     * @param sha256     the digest of its content
     * @param bytes      the size of its content in UTF-8 bytes
     * @param createVerb {@code null} to add or replace; else the file must not exist, and this names the change in
     *                   the rejection ("create", "add")
     * @param label      the summary part
     * @param base       the version its writer saw the file at ({@link Change.PutFile#baseVersion()}), or
     *                   {@link Change.PutFile#NO_BASE}
     */
    public record Put(CodeFile file, Digest sha256, int bytes, String createVerb, String label, int base)
            implements Leaf {
        @Override
        public String filename() {
            return file.filename();
        }

        /** @return whether the put says which version its writer saw, and so may merge */
        public boolean hasBase() {
            return base != Change.PutFile.NO_BASE;
        }
    }

    /**
     * Deletes a file.
     *
     * @param filename the file
     * @param label    the summary part
     */
    public record Delete(String filename, String label) implements Leaf {
    }

    /**
     * Produces a file from the latest content of {@code source} (the same file unless a patch moves it).
     *
     * @param filename the file produced
     * @param source   the file whose content is edited
     * @param op       what is done to the content
     * @param label    the summary part
     */
    public record Edit(String filename, String source, TextOp op, String label) implements Leaf {
        /** @return the verb of the rejections ("edit", "insert into", "patch") */
        String verb() {
            return op instanceof Replace ? "edit" : op instanceof Insert ? "insert into" : "patch";
        }
    }

    /** What an edit does to a content. */
    public sealed interface TextOp permits Replace, Insert, Hunks {
    }

    /** {@link Change.EditFile}. */
    public record Replace(String oldText, String newText, boolean all) implements TextOp {
    }

    /** {@link Change.InsertText}. */
    public record Insert(int afterLine, String text) implements TextOp {
    }

    /** A patch's update of one file. */
    public record Hunks(List<V4a.Hunk> hunks) implements TextOp {
    }

    private final Change change;
    private final List<Leaf> leaves;
    private final List<String> paths;
    private final SortedMap<Digest, String> contents;
    private final ObjectNode request;
    private final String json;
    private final Digest digest;
    private final long contentBytes;
    private final boolean storedAsRequested;

    private PreparedChange(Change change, List<Leaf> leaves, List<String> paths, SortedMap<Digest, String> contents) {
        this.change = change;
        this.leaves = List.copyOf(leaves);
        this.paths = List.copyOf(paths);
        long bytes = 0;
        boolean plain = true;
        for (Leaf leaf : this.leaves) {
            bytes += leaf instanceof Put put ? put.bytes() : 0;
            plain &= leaf.label() == null && !(leaf instanceof Edit);
        }
        this.contentBytes = bytes;
        this.storedAsRequested = plain;
        this.contents = Collections.unmodifiableSortedMap(contents);
        this.request = ChangeJson.request(change, this.leaves, this.paths);
        this.json = ChangeJson.text(request);
        this.digest = Digest.of(replayIdentity());
    }

    /**
     * The JSON a replay of a keyed change is recognised by: the request without the bases of its puts. A base says
     * what its writer had seen, not what it asked for, and a replay made later may give another one (a tool executor
     * derives it from the model's view, which the first execution moved), yet it is the same call.
     */
    private String replayIdentity() {
        ObjectNode identity = null;
        for (int i = 0; i < leaves.size(); i++) {
            if (leaves.get(i) instanceof Put put && put.hasBase()) {
                identity = identity == null ? request.deepCopy() : identity;
                ((ObjectNode) identity.at(paths.get(i))).remove("base");
            }
        }
        return identity == null ? json : ChangeJson.text(identity);
    }

    /** Hashes every put's content (once per distinct content), compiles patches and renders the request JSON. */
    public static PreparedChange of(Change change) {
        List<Leaf> leaves = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        SortedMap<Digest, String> contents = new TreeMap<>();
        collect(change, "", leaves, paths, contents);
        return new PreparedChange(change, leaves, paths, contents);
    }

    private static void collect(Change change, String path, List<Leaf> leaves, List<String> paths,
                                SortedMap<Digest, String> contents) {
        if (change instanceof Change.PutFile put) {
            paths.add(path);
            leaves.add(put(put.file(), null, null, put.baseVersion(), contents));
        } else if (change instanceof Change.CreateFile create) {
            paths.add(path);
            leaves.add(put(create.file(), "create", create.summary(Snapshot.empty()), Change.PutFile.NO_BASE,
                    contents));
        } else if (change instanceof Change.DeleteFile delete) {
            paths.add(path);
            leaves.add(new Delete(delete.filename(), null));
        } else if (change instanceof Change.EditFile edit) {
            paths.add(path);
            leaves.add(new Edit(edit.filename(), edit.filename(),
                    new Replace(edit.oldText(), edit.newText(), edit.replaceAll()), null));
        } else if (change instanceof Change.InsertText insert) {
            paths.add(path);
            leaves.add(new Edit(insert.filename(), insert.filename(), new Insert(insert.afterLine(), insert.text()),
                    insert.summary(Snapshot.empty())));
        } else if (change instanceof Change.Patch patch) {
            String label = patch.summary(Snapshot.empty());
            int n = 0;
            for (V4a.FileOp op : V4a.parse(patch.text())) {
                String first = n == 0 ? label : "";
                if (op instanceof V4a.Add add) {
                    paths.add(path + "/changes/" + n++);
                    leaves.add(put(CodeFile.of(add.path(), add.content()), "add", first, Change.PutFile.NO_BASE,
                            contents));
                } else if (op instanceof V4a.Delete delete) {
                    paths.add(path + "/changes/" + n++);
                    leaves.add(new Delete(delete.path(), first));
                } else {
                    V4a.Update update = (V4a.Update) op;
                    paths.add(path + "/changes/" + n++);
                    leaves.add(new Edit(update.target(), update.path(), new Hunks(update.hunks()), first));
                    if (update.moveTo() != null) {
                        paths.add(path + "/changes/" + n++);
                        leaves.add(new Delete(update.path(), ""));
                    }
                }
            }
        } else {
            List<Change> inner = ((Change.Batch) change).changes();
            for (int i = 0; i < inner.size(); i++) {
                collect(inner.get(i), path + "/changes/" + i, leaves, paths, contents);
            }
        }
    }

    private static Put put(CodeFile file, String createVerb, String label, int base,
                           SortedMap<Digest, String> contents) {
        byte[] utf8 = file.content().getBytes(StandardCharsets.UTF_8);
        Digest sha = Digest.of(utf8);
        contents.putIfAbsent(sha, file.content());
        return new Put(file, sha, utf8.length, createVerb, label, base);
    }

    /** @return the change as the caller gave it */
    public Change change() {
        return change;
    }

    /** @return the puts, deletes and edits in the order they apply */
    public List<Leaf> leaves() {
        return leaves;
    }

    /** @return for each leaf, its JSON pointer in the request JSON */
    List<String> paths() {
        return paths;
    }

    /** @return the files whose latest content the edits need, in order */
    public Set<String> editSources() {
        Set<String> out = new LinkedHashSet<>();
        for (Leaf leaf : leaves) {
            if (leaf instanceof Edit edit) {
                out.add(edit.source());
            }
        }
        return out;
    }

    /** @return the distinct contents of the puts, by digest, in digest order (the order every writer inserts them) */
    public SortedMap<Digest, String> contents() {
        return contents;
    }

    /** @return the UTF-8 size of the contents the change carries */
    public long contentBytes() {
        return contentBytes;
    }

    /** @return the request JSON: what {@code change_json} holds, unless {@link #storedAsRequested()} is false */
    public String json() {
        return json;
    }

    /** @return the request JSON as a tree; never modified */
    ObjectNode request() {
        return request;
    }

    /** @return whether the stored JSON is the request JSON (no edits, no literal summary parts) */
    boolean storedAsRequested() {
        return storedAsRequested;
    }

    /** @return the digest of {@link #json()}: equal for a replay of the same change, different for another change */
    public Digest digest() {
        return digest;
    }
}
