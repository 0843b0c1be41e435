package dev.gapless.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One version as the {@link ChangeFeed} delivers it: which artifact, which version, and its history line, without
 * content (read the files with {@link ArtifactStore#version(UUID, int)}).
 *
 * @param artifactId     the artifact
 * @param chatId         the artifact's chat
 * @param type           the artifact's type
 * @param version        the version number, from 1
 * @param summary        the version's summary, e.g. {@code Added main.cpp}
 * @param fileCount      how many files the version holds
 * @param idempotencyKey the key it was appended with (e.g. the tool-call id), or {@code null}
 * @param createdAt      when it was written, by the database's clock
 */
public record FeedEvent(UUID artifactId, String chatId, String type, int version, String summary, int fileCount,
                        String idempotencyKey, Instant createdAt) {

    /**
     * Checks the required fields.
     *
     * @param artifactId     the artifact
     * @param chatId         the artifact's chat
     * @param type           the artifact's type
     * @param version        the version number, from 1
     * @param summary        the version's summary
     * @param fileCount      how many files the version holds
     * @param idempotencyKey the key it was appended with, or {@code null}
     * @param createdAt      when it was written
     * @throws NullPointerException     if the artifact id, chat id, type or summary is {@code null}
     * @throws IllegalArgumentException if {@code version} is less than 1
     */
    public FeedEvent {
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(summary, "summary");
        if (version < 1) {
            throw new IllegalArgumentException("version numbers start at 1, was " + version);
        }
    }

    /**
     * The idempotency key, if the version was appended with one.
     *
     * @return the key, or empty
     */
    public Optional<String> key() {
        return Optional.ofNullable(idempotencyKey);
    }
}
