package dev.gapless.core.internal;

/**
 * The words of a version's summary, in one place: {@link dev.gapless.core.Change#summary} (the public oracle), the
 * write path's {@link HeadState} and the server-function engine word a change's parts with these. The PL/pgSQL twin
 * words them in SQL; the equivalence test holds the two together. Stateless.
 */
public final class Summaries {

    private Summaries() {
    }

    /**
     * The part of a summary for a put.
     *
     * @param filename the file
     * @param existed  whether the file was there before the put
     * @return {@code "Added f"} or {@code "Updated f"}
     */
    public static String put(String filename, boolean existed) {
        return (existed ? "Updated " : "Added ") + filename;
    }

    /**
     * The part of a summary for a delete.
     *
     * @param filename the file
     * @return {@code "Removed f"}
     */
    public static String removed(String filename) {
        return "Removed " + filename;
    }
}
