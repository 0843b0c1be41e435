package dev.gapless.executor.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson set up once: a plain mapper for trusted JSON we produce, and bounded parsing for JSON that comes from a
 * model, which fails fast on deep nesting or huge strings instead of building them.
 */
public final class Json {

    /** For JSON this program writes. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /**
     * A mapper whose parser refuses nesting deeper than {@code maxDepth} while it reads, before building the tree.
     *
     * @param maxDepth the deepest nesting of arrays and objects accepted
     * @return the mapper
     */
    public static ObjectMapper bounded(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        // "{...}x" must not pass as "{...}": a model's arguments are one JSON value and nothing after it
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * Writes a tree as compact JSON text.
     *
     * @param node the tree
     * @return its text
     */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * A short, safe description of a parse failure: Jackson's own message without its source excerpt.
     *
     * @param e the failure
     * @return e.g. {@code "Unexpected end-of-input at line 1, column 12"}
     */
    public static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        var location = e.getLocation();
        return location == null ? message
                : message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
