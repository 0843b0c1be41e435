package dev.gapless.core.internal;

import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A validated change made ready for storage before any lock is taken: its leaves in the order they apply, every
 * put's content hashed, the distinct contents by digest, the JSON stored in {@code change_json} (contents referenced
 * by digest) and the digest of that JSON, which tells a replay of a keyed append from a reuse of its key.
 * Immutable and thread-safe.
 */
public final class PreparedChange {

    /** One put or delete, in the order the change applies them. */
    public sealed interface Leaf permits Put, Delete {
        /** @return the file the leaf touches */
        String filename();
    }

    /**
     * Puts a file.
     *
     * @param file   the file, with its content
     * @param sha256 the digest of its content
     * @param bytes  the size of its content in UTF-8 bytes
     */
    public record Put(CodeFile file, Digest sha256, int bytes) implements Leaf {
        @Override
        public String filename() {
            return file.filename();
        }
    }

    /**
     * Deletes a file.
     *
     * @param filename the file
     */
    public record Delete(String filename) implements Leaf {
    }

    private final Change change;
    private final List<Leaf> leaves;
    private final SortedMap<Digest, String> contents;
    private final String json;
    private final Digest digest;
    private final long contentBytes;

    private PreparedChange(Change change, List<Leaf> leaves, SortedMap<Digest, String> contents) {
        this.change = change;
        this.leaves = List.copyOf(leaves);
        long bytes = 0;
        for (Leaf leaf : this.leaves) {
            bytes += leaf instanceof Put put ? put.bytes() : 0;
        }
        this.contentBytes = bytes;
        this.contents = Collections.unmodifiableSortedMap(contents);
        this.json = ChangeJson.write(change, this.leaves);
        this.digest = Digest.of(json);
    }

    /** Hashes every put's content (once per distinct content) and renders the stored JSON. */
    public static PreparedChange of(Change change) {
        List<Leaf> leaves = new ArrayList<>();
        SortedMap<Digest, String> contents = new TreeMap<>();
        collect(change, leaves, contents);
        return new PreparedChange(change, leaves, contents);
    }

    private static void collect(Change change, List<Leaf> leaves, SortedMap<Digest, String> contents) {
        if (change instanceof Change.PutFile put) {
            byte[] utf8 = put.file().content().getBytes(StandardCharsets.UTF_8);
            Digest sha = Digest.of(utf8);
            contents.putIfAbsent(sha, put.file().content());
            leaves.add(new Put(put.file(), sha, utf8.length));
        } else if (change instanceof Change.DeleteFile delete) {
            leaves.add(new Delete(delete.filename()));
        } else {
            for (Change inner : ((Change.Batch) change).changes()) {
                collect(inner, leaves, contents);
            }
        }
    }

    /** @return the change as the caller gave it */
    public Change change() {
        return change;
    }

    /** @return the puts and deletes in the order they apply */
    public List<Leaf> leaves() {
        return leaves;
    }

    /** @return the distinct contents of the puts, by digest, in digest order (the order every writer inserts them) */
    public SortedMap<Digest, String> contents() {
        return contents;
    }

    /** @return the UTF-8 size of the contents the change carries */
    public long contentBytes() {
        return contentBytes;
    }

    /** @return the JSON stored in {@code change_json} */
    public String json() {
        return json;
    }

    /** @return the digest of {@link #json()}: equal for a replay of the same change, different for another change */
    public Digest digest() {
        return digest;
    }
}
