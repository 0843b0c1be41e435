package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OversizedLineTest {

    private static final int HEAD = 64;
    private static final int TAIL = 32;

    /** What ClientStreams keeps of a line: its first bytes and a ring of its last ones. */
    private static String idOf(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        byte[] ring = new byte[TAIL];
        for (int i = 0; i < bytes.length; i++) {
            ring[i % TAIL] = bytes[i];
        }
        byte[] kept = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 100));
        return OversizedLine.id(kept, HEAD, ring, bytes.length);
    }

    private static String huge() {
        return "{\"name\":\"add_code_file\",\"arguments\":{\"content\":\"" + "x".repeat(500) + "\"}}";
    }

    @Test
    void anIdWrittenFirstIsFoundInTheHead() {
        assertThat(idOf("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":" + huge() + "}"))
                .isEqualTo("42");
        assertThat(idOf("{\"id\":\"req-1\",\"jsonrpc\":\"2.0\",\"params\":" + huge() + "}")).isEqualTo("\"req-1\"");
    }

    @Test
    void anIdWrittenLastIsFoundAtTheEnd() {
        assertThat(idOf("{\"method\":\"tools/call\",\"params\":" + huge() + ",\"jsonrpc\":\"2.0\",\"id\":7}"))
                .isEqualTo("7");
        assertThat(idOf("{\"method\":\"tools/call\",\"params\":" + huge() + ",\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\"} "))
                .isEqualTo("\"a\\\"b\"");
    }

    @Test
    void anIdThatIsNotTheMessagesOwnIsNotTaken() {
        // the last "id" belongs to the params object, not to the message
        assertThat(idOf("{\"method\":\"tools/call\",\"params\":{\"x\":\"" + "y".repeat(500) + "\",\"id\":7}}"))
                .isNull();
        // an id that is neither a string nor a number
        assertThat(idOf("{\"jsonrpc\":\"2.0\",\"id\":{\"n\":1},\"params\":" + huge() + "}")).isNull();
        assertThat(idOf("{\"params\":" + huge() + "}")).isNull();
    }
}
