package dev.gapless.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.gapless.executor.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the JSON-RPC id of a line too long to parse, from what was kept of it: its head (clients that write
 * {@code jsonrpc}, {@code id}, then {@code method} and {@code params}, as the Java and Python SDKs do) or its end
 * (clients that write the {@code id} last, as the TypeScript SDK does:
 * {@code {"method":…,"params":…,"jsonrpc":"2.0","id":7}}). Only an id that is certainly the message's own is
 * returned.
 */
final class OversizedLine {

    /** A string or number id, the last member of the top-level object: nothing but its closing brace after it. */
    private static final Pattern ID_AT_END = Pattern.compile(
            "\"id\"\\s*:\\s*(-?\\d+|\"(?:[^\"\\\\]|\\\\.)*\")\\s*}\\s*$");

    private OversizedLine() {
    }

    /**
     * {@return the id as JSON text, or {@code null} if it cannot be told}
     *
     * @param kept       the first bytes of the line
     * @param headBytes  how many of them to look at
     * @param tail       a ring buffer of the line's last bytes
     * @param length     the line's length in bytes
     */
    static String id(byte[] kept, int headBytes, byte[] tail, long length) {
        String fromHead = fromHead(kept, Math.min(headBytes, kept.length));
        return fromHead != null ? fromHead : fromTail(tail, length);
    }

    private static String fromHead(byte[] head, int length) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(head, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("id")) {
                    return value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT
                            ? Json.write(parser.readValueAsTree()) : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // the head ended inside a long member before any "id"
        }
    }

    private static String fromTail(byte[] ring, long length) {
        int size = (int) Math.min(ring.length, length);
        byte[] tail = new byte[size];
        for (int i = 0; i < size; i++) {
            tail[i] = ring[(int) ((length - size + i) % ring.length)];
        }
        Matcher m = ID_AT_END.matcher(new String(tail, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : null;
    }
}
