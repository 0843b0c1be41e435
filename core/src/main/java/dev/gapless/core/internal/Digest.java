package dev.gapless.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 digest: how contents are addressed and requests compared. Immutable; ordered by its bytes. */
public final class Digest implements Comparable<Digest> {

    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private Digest(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The SHA-256 of {@code text} encoded as UTF-8 (what PostgreSQL's {@code sha256(convert_to(t, 'UTF8'))} gives). */
    public static Digest of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-256 of {@code data}. */
    public static Digest of(byte[] data) {
        try {
            return new Digest(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Parses the lowercase hex form. */
    public static Digest ofHex(String hex) {
        return new Digest(HEX.parseHex(hex));
    }

    /** Wraps stored bytes. */
    public static Digest ofBytes(byte[] bytes) {
        return new Digest(bytes.clone());
    }

    /** @return a copy of the 32 bytes */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return the lowercase hex form */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public int compareTo(Digest other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
