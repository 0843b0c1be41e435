package dev.gapless.executor.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * Jackson set up once: a plain mapper for trusted JSON we produce, and bounded, strict parsing for JSON that comes
 * from a model or a client, which fails fast on deep nesting or huge strings instead of building them, and refuses
 * an object that has the same key twice instead of silently keeping the last value. Published for the modules built
 * on the executor (the MCP server, the command line), so that they read and describe JSON exactly as the formats do.
 *
 * <p>Thread-safe: {@link #MAPPER} and the mappers {@link #bounded} returns are shared and configured once; never
 * reconfigure them.
 */
public final class Json {

    /** For JSON this program writes, with Jackson's defaults; shared, so never reconfigured. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /**
     * A mapper whose parser refuses, while it reads and before building the tree, nesting deeper than
     * {@code maxDepth}, a key that appears twice in one object, and anything after the one JSON value.
     *
     * @param maxDepth the deepest nesting of arrays and objects accepted
     * @return the mapper
     */
    public static ObjectMapper bounded(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
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
     * A short, safe description of a parse failure: Jackson's own message without its source excerpt, or for a
     * repeated key which key and where.
     *
     * @param e the failure
     * @return e.g. {@code "Unexpected end-of-input (line 1, column 12)"} or
     *     {@code "the key 'filename' appears twice in the object at / (line 1, column 40)"}
     */
    public static String describe(JsonProcessingException e) {
        String message = duplicateKey(e).map(d -> "the key '" + d.key() + "' appears twice in the object at "
                + d.objectPointer()).orElse(e.getOriginalMessage());
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        var location = e.getLocation();
        return location == null ? message
                : message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /**
     * The key that {@link #bounded} refused because it appeared twice, and the JSON pointer of the object holding it.
     *
     * @param key           the repeated key
     * @param objectPointer the object's JSON pointer, {@code /} for the top level
     */
    public record DuplicateKey(String key, String objectPointer) {
    }

    /**
     * Tells whether a parse failed on a repeated key.
     *
     * @param e the failure from a {@link #bounded} mapper
     * @return the key and where, or empty for any other failure
     */
    public static Optional<DuplicateKey> duplicateKey(JsonProcessingException e) {
        if (!(e instanceof JsonParseException) || e.getOriginalMessage() == null
                || !e.getOriginalMessage().startsWith("Duplicate field '")
                || !(e.getProcessor() instanceof JsonParser parser)) {
            return Optional.empty();
        }
        JsonStreamContext context = parser.getParsingContext();
        String key = context.getCurrentName();
        String pointer = context.pathAsPointer().toString();
        String parent = pointer.substring(0, Math.max(0, pointer.lastIndexOf('/')));
        return key == null ? Optional.empty() : Optional.of(new DuplicateKey(key, parent.isEmpty() ? "/" : parent));
    }
}
