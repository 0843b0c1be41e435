package dev.gapless.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Where a feed across several artifacts (a chat, or every artifact) stands: for each artifact, the last version
 * delivered. An artifact it does not name stands at 0, so that every version of an artifact created later is
 * delivered. Resuming from a position is exact: each artifact goes on from its own last version, whatever order
 * the artifacts' versions were committed in. Its size grows with the number of artifacts it has seen.
 *
 * <p>Encoded as text ({@link #encode()}, {@link #parse(String)}) for a subscriber to keep in its own store. Immutable
 * and thread-safe.
 *
 * @param versions artifact id to the last version delivered (each at least 1)
 */
public record FeedPosition(Map<UUID, Integer> versions) {

    private static final FeedPosition START = new FeedPosition(Map.of());

    /**
     * Copies and checks the map.
     *
     * @param versions artifact id to the last version delivered
     * @throws NullPointerException     if the map, a key or a value is {@code null}
     * @throws IllegalArgumentException if a version is less than 1
     */
    public FeedPosition {
        Map<UUID, Integer> copy = new TreeMap<>();
        for (Map.Entry<UUID, Integer> e : Objects.requireNonNull(versions, "versions").entrySet()) {
            int v = Objects.requireNonNull(e.getValue(), "version");
            if (v < 1) {
                throw new IllegalArgumentException("a position's versions start at 1, was " + v);
            }
            copy.put(Objects.requireNonNull(e.getKey(), "artifact id"), v);
        }
        versions = Collections.unmodifiableMap(copy);
    }

    /**
     * Before every version of every artifact.
     *
     * @return the empty position
     */
    public static FeedPosition start() {
        return START;
    }

    /**
     * The last version delivered of one artifact.
     *
     * @param artifactId the artifact
     * @return the version, 0 when none was
     */
    public int version(UUID artifactId) {
        return versions.getOrDefault(artifactId, 0);
    }

    /**
     * This position moved past {@code event}.
     *
     * @param event a delivered event
     * @return the new position (this one when it was already past the event)
     */
    public FeedPosition after(FeedEvent event) {
        if (version(event.artifactId()) >= event.version()) {
            return this;
        }
        Map<UUID, Integer> next = new TreeMap<>(versions);
        next.put(event.artifactId(), event.version());
        return new FeedPosition(next);
    }

    /**
     * The position as text: {@code <uuid>:<version>} pairs separated by commas, empty for {@link #start()}.
     *
     * @return the text, read back by {@link #parse(String)}
     */
    public String encode() {
        StringBuilder out = new StringBuilder();
        versions.forEach((id, v) -> out.append(out.length() == 0 ? "" : ",").append(id).append(':').append(v));
        return out.toString();
    }

    /**
     * Reads a position written by {@link #encode()}.
     *
     * @param text the text
     * @return the position
     * @throws IllegalArgumentException if the text is not such a position; the message names the bad part
     */
    public static FeedPosition parse(String text) {
        Objects.requireNonNull(text, "text");
        Map<UUID, Integer> versions = new TreeMap<>();
        if (text.isBlank()) {
            return START;
        }
        for (String part : text.split(",", -1)) {
            int colon = part.indexOf(':');
            try {
                UUID id = UUID.fromString(part.substring(0, Math.max(colon, 0)).trim());
                int v = Integer.parseInt(part.substring(colon + 1).trim());
                if (colon < 0 || v < 1 || versions.put(id, v) != null) {
                    throw new IllegalArgumentException(part);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a feed position (<uuid>:<version>,...): "
                        + quote(part));
            }
        }
        return new FeedPosition(versions);
    }

    private static String quote(String part) {
        String cut = part.length() > 60 ? part.substring(0, 60) + "..." : part;
        return '"' + cut.replaceAll("\\p{Cntrl}", "?") + '"';
    }
}
