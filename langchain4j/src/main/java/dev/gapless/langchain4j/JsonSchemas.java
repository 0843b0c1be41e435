package dev.gapless.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The executor's JSON Schemas as LangChain4j schema elements. LangChain4j keeps only what models are given (types,
 * descriptions, enums, required, additionalProperties); the limits it drops (lengths, item counts) are still
 * enforced by the executor, which validates every call against the full schema. A property LangChain4j has no element
 * for (a union of types, {@code oneOf}, no type) is passed on as raw JSON Schema.
 */
final class JsonSchemas {

    private JsonSchemas() {
    }

    static JsonObjectSchema object(JsonNode schema) {
        JsonObjectSchema.Builder builder = JsonObjectSchema.builder();
        if (schema.hasNonNull("description")) {
            builder.description(schema.get("description").asText());
        }
        Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            builder.addProperty(property.getKey(), element(property.getValue()));
        }
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        if (!required.isEmpty()) {
            builder.required(required);
        }
        if (schema.path("additionalProperties").isBoolean()) {
            builder.additionalProperties(schema.get("additionalProperties").asBoolean());
        }
        return builder.build();
    }

    static JsonSchemaElement element(JsonNode schema) {
        String description = schema.hasNonNull("description") ? schema.get("description").asText() : null;
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(v -> values.add(v.asText()));
            return JsonEnumSchema.builder().enumValues(values).description(description).build();
        }
        String type = schema.path("type").asText("");
        return switch (type) {
            case "object" -> object(schema);
            case "array" -> JsonArraySchema.builder().description(description)
                    .items(element(schema.path("items"))).build();
            case "integer" -> JsonIntegerSchema.builder().description(description).build();
            case "number" -> JsonNumberSchema.builder().description(description).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description).build();
            case "string" -> JsonStringSchema.builder().description(description).build();
            // a union of types, oneOf, a missing type: given to the model as written
            default -> JsonRawSchema.from(schema.toString());
        };
    }
}
