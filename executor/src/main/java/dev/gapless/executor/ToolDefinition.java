package dev.gapless.executor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool as offered to a model.
 *
 * @param name        the name the model calls it by
 * @param description what it does, for the model
 * @param inputSchema the JSON Schema (draft 2020-12) of its arguments
 * @param hints       what a client may assume of it (MCP's tool annotations)
 */
public record ToolDefinition(String name, String description, JsonNode inputSchema, Hints hints) {

    /**
     * What a client may assume of a tool, declared by the tool where it is registered. Reads change nothing. Writes
     * only append: every earlier version stays readable, so a write is destructive only when it may delete files (a
     * delete, a patch, a revert); a write is idempotent when the client sends its call id, which is then the
     * idempotency key.
     *
     * @param readOnly    whether it changes nothing
     * @param destructive whether it may delete files (meaningful for a write)
     * @param idempotent  whether calling it again with the same call id changes nothing more
     */
    public record Hints(boolean readOnly, boolean destructive, boolean idempotent) {
    }

    /**
     * Creates a {@code ToolDefinition}.
     *
     * @param name        the name the model calls it by
     * @param description what it does, for the model
     * @param inputSchema the JSON Schema of its arguments
     * @param hints       what a client may assume of it
     * @throws NullPointerException if {@code hints} is {@code null}
     */
    public ToolDefinition {
        Objects.requireNonNull(hints, "hints");
    }
}
