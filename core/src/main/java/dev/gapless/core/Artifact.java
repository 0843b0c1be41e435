package dev.gapless.core;

import java.time.Instant;
import java.util.UUID;

/**
 * An artifact: the thing whose versions are appended, identified by {@code (chatId, type)}.
 *
 * @param id          the artifact's id
 * @param chatId      the chat (or other owner) it belongs to
 * @param type        its type within the chat, e.g. {@code code}
 * @param title       a display title
 * @param headVersion the latest version number when this value was read; 0 before the first append
 * @param createdAt   when it was created
 */
public record Artifact(UUID id, String chatId, String type, String title, int headVersion, Instant createdAt) {
}
