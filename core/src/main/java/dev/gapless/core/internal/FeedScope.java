package dev.gapless.core.internal;

import java.util.UUID;

/**
 * What a feed subscription follows: one artifact, the artifacts of one chat, or every artifact.
 *
 * @param kind       which of the three
 * @param artifactId the artifact, for {@link Kind#ARTIFACT}
 * @param chatId     the chat, for {@link Kind#CHAT}
 */
public record FeedScope(Kind kind, UUID artifactId, String chatId) {

    /** The three kinds of scope. */
    public enum Kind {
        /** One artifact. */
        ARTIFACT,
        /** The artifacts of one chat. */
        CHAT,
        /** Every artifact. */
        ALL
    }

    /**
     * One artifact.
     *
     * @param artifactId the artifact
     * @return the scope
     */
    public static FeedScope artifact(UUID artifactId) {
        return new FeedScope(Kind.ARTIFACT, artifactId, null);
    }

    /**
     * One chat's artifacts.
     *
     * @param chatId the chat
     * @return the scope
     */
    public static FeedScope chat(String chatId) {
        return new FeedScope(Kind.CHAT, null, chatId);
    }

    /**
     * Every artifact.
     *
     * @return the scope
     */
    public static FeedScope all() {
        return new FeedScope(Kind.ALL, null, null);
    }
}
