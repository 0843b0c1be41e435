package dev.gapless.executor.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A provider's wire format for tool calls and their results. Implementations are stateless and thread-safe.
 */
public interface Format {

    /** Documents deeper than this are refused while parsing. */
    int MAX_DOCUMENT_DEPTH = 64;

    /** {@return the format's name, e.g. {@code openai}} */
    String name();

    /** {@return what a document in this format is called, with its article, e.g. {@code an OpenAI Chat Completions}} */
    default String title() {
        return "a " + name();
    }

    /**
     * The tool calls in a model response, in order.
     *
     * @param document the parsed response
     * @return the calls (possibly none, if the response asks for none)
     * @throws UnusableInputException if the document has no recognisable tool-call structure for this format
     */
    List<ToolCall> parse(JsonNode document);

    /**
     * The results, in the shape this provider expects to be sent back.
     *
     * @param results the results, in call order
     * @return the JSON to send
     */
    JsonNode render(List<ToolResult> results);

    /**
     * Whether a document looks like this format.
     *
     * @param document the parsed document
     * @return {@code true} when it does
     */
    boolean recognises(JsonNode document);

    /**
     * The format of that name.
     *
     * @param name {@code openai}, {@code anthropic} or {@code responses}
     * @return the format
     * @throws IllegalArgumentException if the name is unknown
     */
    static Format named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "openai" -> new OpenAiFormat();
            case "anthropic" -> new AnthropicFormat();
            case "responses" -> new ResponsesFormat();
            default -> throw new IllegalArgumentException("unknown format '" + name + "'; known: openai, anthropic,"
                    + " responses");
        };
    }

    /**
     * The format a document is in.
     *
     * @param document the parsed document
     * @return the format
     * @throws UnusableInputException if it looks like neither
     */
    static Format detect(JsonNode document) {
        return recognise(document).orElseThrow(() -> new UnusableInputException("the input is neither an OpenAI"
                + " Chat Completions response (choices[].message.tool_calls), an OpenAI Responses API response"
                + " (output[] with function_call or apply_patch_call items) nor an Anthropic Messages response"
                + " (content[] with tool_use blocks)"));
    }

    /**
     * The format a document looks like, if any.
     *
     * @param document the parsed document
     * @return the first format that {@link #recognises} it, or empty
     */
    static Optional<Format> recognise(JsonNode document) {
        return Stream.<Format>of(new OpenAiFormat(), new ResponsesFormat(), new AnthropicFormat())
                .filter(f -> f.recognises(document)).findFirst();
    }

    /**
     * The calls of a document that the caller says is in {@code format}. When the document is not recognisably in
     * that format but is in another one, says so instead of failing on the structure it lacks.
     *
     * @param format   the format the caller named
     * @param document the parsed document
     * @return the calls, as {@link #parse} gives them
     * @throws UnusableInputException if the document looks like another format, or {@link #parse} refuses it
     */
    static List<ToolCall> parseAs(Format format, JsonNode document) {
        if (!format.recognises(document)) {
            Optional<Format> other = recognise(document);
            if (other.isPresent()) {
                throw new UnusableInputException("the input looks like " + other.get().title() + " response"
                        + " (format '" + other.get().name() + "'), not " + format.title() + " response");
            }
        }
        return format.parse(document);
    }

    /**
     * Parses a document from a stream, as {@link #read(String)} does, without holding its text in memory as well as
     * its tree (a response of 64 one-megabyte files would otherwise need both).
     *
     * @param in the JSON, UTF-8; not closed
     * @return the tree
     * @throws UnusableInputException if it is not JSON, nests too deep or repeats a key in an object
     * @throws java.io.IOException    if reading fails
     */
    public static JsonNode read(java.io.InputStream in) throws java.io.IOException {
        java.io.PushbackInputStream source = new java.io.PushbackInputStream(in, 3);
        byte[] start = source.readNBytes(3);
        boolean bom = start.length == 3 && (start[0] & 0xff) == 0xEF && (start[1] & 0xff) == 0xBB
                && (start[2] & 0xff) == 0xBF;
        if (!bom) {
            source.unread(start);
        }
        try {
            return present(Json.bounded(MAX_DOCUMENT_DEPTH).readTree(source));
        } catch (JsonProcessingException e) {
            throw unusable(e);
        }
    }

    /**
     * Parses a document's text with bounded nesting. A UTF-8 byte-order mark at the start (which some editors
     * write) is skipped; an object with the same key twice is refused as a whole, since which value was meant
     * cannot be known.
     *
     * @param text the JSON text
     * @return the tree
     * @throws UnusableInputException if it is not JSON, nests too deep or repeats a key in an object
     */
    static JsonNode read(String text) {
        String json = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try {
            return present(Json.bounded(MAX_DOCUMENT_DEPTH).readTree(json));
        } catch (JsonProcessingException e) {
            throw unusable(e);
        }
    }

    /** The tree Jackson read, or the error for an input with none (Jackson gives null or a missing node). */
    private static JsonNode present(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new UnusableInputException("the input is empty");
        }
        return node;
    }

    /** What a parse failure says: a repeated key is ambiguous, anything else is not JSON. */
    private static UnusableInputException unusable(JsonProcessingException e) {
        return new UnusableInputException((Json.duplicateKey(e).isPresent() ? "the input is ambiguous: "
                : "the input is not valid JSON: ") + Json.describe(e));
    }
}
