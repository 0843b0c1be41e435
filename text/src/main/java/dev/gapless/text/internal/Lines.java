package dev.gapless.text.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.RawText;

/**
 * A text as JGit sees it, UTF-8 bytes split after each {@code \n}, with the offset where each line starts, so that
 * a range of lines is copied back byte for byte (terminators and a missing final newline included). Immutable.
 */
public final class Lines {

    private final byte[] bytes;
    private final int[] starts; // starts[i] = first byte of line i; starts[size] = bytes.length
    private final RawText raw;

    private Lines(byte[] bytes) {
        this.bytes = bytes;
        List<Integer> found = new ArrayList<>();
        found.add(0);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && i + 1 < bytes.length) {
                found.add(i + 1);
            }
        }
        if (bytes.length == 0) {
            found.clear();
        }
        this.starts = new int[found.size() + 1];
        for (int i = 0; i < found.size(); i++) {
            starts[i] = found.get(i);
        }
        starts[found.size()] = bytes.length;
        this.raw = new RawText(bytes);
    }

    /**
     * @param text a text
     * @return its lines
     */
    public static Lines of(String text) {
        return new Lines(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the text as JGit's sequence */
    public RawText raw() {
        return raw;
    }

    /** @return the number of lines */
    public int size() {
        return starts.length - 1;
    }

    /**
     * @param begin the first line, from 0
     * @param end   the end, exclusive
     * @return lines {@code [begin, end)} exactly as stored, terminators included
     */
    public String text(int begin, int end) {
        return new String(bytes, starts[begin], starts[end] - starts[begin], StandardCharsets.UTF_8);
    }

    /**
     * @param begin the first line, from 0
     * @param end   the end, exclusive
     * @return lines {@code [begin, end)} without their {@code \n} or {@code \r\n}
     */
    public List<String> lines(int begin, int end) {
        List<String> out = new ArrayList<>(end - begin);
        for (int i = begin; i < end; i++) {
            String line = text(i, i + 1);
            int cut = line.endsWith("\r\n") ? 2 : line.endsWith("\n") ? 1 : 0;
            out.add(line.substring(0, line.length() - cut));
        }
        return out;
    }
}
