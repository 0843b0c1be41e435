package dev.gapless.executor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool as offered to a model.
 *
 * @param name        the name the model calls it by
 * @param description what it does, for the model
 * @param inputSchema the JSON Schema (draft 2020-12) of its arguments
 */
public record ToolDefinition(String name, String description, JsonNode inputSchema) {
}
