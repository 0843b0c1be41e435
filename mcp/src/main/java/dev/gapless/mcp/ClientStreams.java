package dev.gapless.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.gapless.executor.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's stdio as the SDK's transport sees it. {@link #input()} hands the transport only the lines that
 * {@link JsonRpcCheck} lets through and answers the others itself; {@link #output()} counts the responses the SDK
 * writes. At the end of the client's input, the transport is told so only once every request it was given has been
 * answered (or {@code drainTimeout} has passed): the SDK drops responses still in flight when its input ends, and a
 * tool call cut off that way would have run without its answer ever reaching the client.
 */
final class ClientStreams {

    private static final Logger LOG = LoggerFactory.getLogger(ClientStreams.class);
    /** The SDK's own limit on one message; longer lines are refused here instead. */
    static final int MAX_LINE_BYTES = 16 << 20;
    /** Enough of a written line to find its top-level "result"/"error" or "method" after "jsonrpc" and "id". */
    private static final int HEAD_BYTES = 8192;
    /** Enough of the end of a line to find a top-level "id" written last (as the TypeScript SDK writes it). */
    private static final int TAIL_BYTES = 512;

    private final InputStream client;
    private final OutputStream clientOut;
    private final JsonRpcCheck check;
    private final Duration drainTimeout;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Object pendingLock = new Object();
    /** Ids (as JSON text) of the requests given to the SDK and not answered yet. */
    private final Set<String> pending = new HashSet<>();
    private boolean initialized;
    private final Input input = new Input();
    private final Output output = new Output();

    /** Told of each line forwarded to the SDK: its method (null for a response) and its text. */
    private volatile java.util.function.BiConsumer<String, String> observer = (method, text) -> { };

    ClientStreams(InputStream client, OutputStream clientOut, JsonRpcCheck check, Duration drainTimeout) {
        this.client = new BufferedInputStream(client, 1 << 16);
        this.clientOut = clientOut;
        this.check = check;
        this.drainTimeout = drainTimeout;
    }

    /** Tells {@code observer} of each line forwarded to the SDK, on the reading thread, before the SDK sees it. */
    void observe(java.util.function.BiConsumer<String, String> observer) {
        this.observer = observer;
    }

    /** {@return what the SDK's transport reads} */
    InputStream input() {
        return input;
    }

    /** {@return what the SDK's transport writes to; it synchronizes on this object per message, as replies here do} */
    OutputStream output() {
        return output;
    }

    /** Blocks until the client's input has ended and the requests in flight were answered (or the drain ran out). */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    private void reply(String json) {
        synchronized (output) {
            try {
                clientOut.write(json.getBytes(StandardCharsets.UTF_8));
                clientOut.write('\n');
                clientOut.flush();
            } catch (IOException e) {
                LOG.debug("cannot answer the client", e);
            }
        }
    }

    private void forwarded(JsonRpcCheck.Verdict verdict) {
        synchronized (pendingLock) {
            // before notifications/initialized the SDK answers only initialize (other requests wait for it)
            if (verdict.id() != null && (initialized || "initialize".equals(verdict.method()))) {
                pending.add(verdict.id());
            }
            if ("notifications/initialized".equals(verdict.method())) {
                initialized = true;
            }
        }
    }

    private void answered(String id) {
        synchronized (pendingLock) {
            pending.remove(id);
            pendingLock.notifyAll();
        }
    }

    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        synchronized (pendingLock) {
            while (!pending.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("input ended with request(s) {} unanswered after {} s; ending anyway", pending,
                            drainTimeout.toSeconds());
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(pendingLock, left);
            }
        }
    }

    /** The client's lines, checked; pulled by the SDK's reading thread, which is the only caller. */
    private final class Input extends InputStream {
        private byte[] line = new byte[0];
        private int position;
        private boolean first = true;
        private boolean atEnd;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position >= line.length) {
                if (atEnd || !nextLine()) {
                    return -1;
                }
            }
            int n = Math.min(len, line.length - position);
            System.arraycopy(line, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return line.length - position;
        }

        /** Takes lines until one is forwarded (true) or the input ends (false). */
        private boolean nextLine() throws IOException {
            while (true) {
                String text = readLine();
                if (text == null) {
                    atEnd = true;
                    try {
                        drain();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ended.countDown();
                    return false;
                }
                JsonRpcCheck.Verdict verdict = check.check(text);
                if (verdict.action() == JsonRpcCheck.Action.REPLY) {
                    LOG.info("refused a line from the client: {}", verdict.reply());
                    reply(verdict.reply());
                } else if (verdict.action() == JsonRpcCheck.Action.FORWARD) {
                    forwarded(verdict);
                    observer.accept(verdict.method(), text);
                    // CR is only whitespace inside a JSON line, but the SDK would end the line there
                    line = (text.replace('\r', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
                    position = 0;
                    return true;
                }
            }
        }

        /** One line without its terminator, null at the end; a line that is too long or not UTF-8 is answered. */
        private String readLine() throws IOException {
            while (true) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                boolean tooLong = false;
                byte[] tail = new byte[TAIL_BYTES];
                long length = 0;
                int c;
                while ((c = client.read()) != -1 && c != '\n') {
                    tail[(int) (length++ % TAIL_BYTES)] = (byte) c;
                    if (bytes.size() < MAX_LINE_BYTES) {
                        bytes.write(c);
                    } else {
                        tooLong = true;
                    }
                }
                if (c == -1 && bytes.size() == 0) {
                    return null;
                }
                if (tooLong) {
                    // answered with the request's id where its head or its end shows it, so that the client's
                    // request fails at once instead of waiting for a reply that never comes
                    String id = OversizedLine.id(bytes.toByteArray(), HEAD_BYTES, tail, length);
                    LOG.info("refused a line of {} bytes from the client (request id {})", length, id);
                    reply(error(id, JsonRpcCheck.INVALID_REQUEST, "Invalid Request: the message is " + length
                            + " bytes, over the limit of " + MAX_LINE_BYTES + " bytes (" + (MAX_LINE_BYTES >> 20)
                            + " MiB); nothing was run. Send large content in smaller parts"));
                    continue;
                }
                try {
                    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                            .toString();
                    if (first && text.startsWith("\uFEFF")) {
                        text = text.substring(1); // a byte-order mark some clients write first
                    }
                    first = false;
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                } catch (CharacterCodingException e) {
                    reply(error(JsonRpcCheck.PARSE_ERROR, "Parse error: the line is not valid UTF-8"));
                }
            }
        }
    }

    private static String error(int code, String message) {
        return error(null, code, message);
    }

    private static String error(String id, int code, String message) {
        var response = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        try {
            response.set("id", id == null ? null : Json.MAPPER.readTree(id));
        } catch (IOException e) {
            response.putNull("id");
        }
        response.putObject("error").put("code", code).put("message", message);
        return Json.write(response);
    }

    /** The SDK's writes, passed on, with each response it writes counted as an answer. */
    private final class Output extends OutputStream {
        private final byte[] head = new byte[HEAD_BYTES];
        private int headLength;

        @Override
        public void write(int b) throws IOException {
            clientOut.write(b);
            see((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            clientOut.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                see(b[i]);
            }
        }

        @Override
        public void flush() throws IOException {
            clientOut.flush();
        }

        private void see(byte b) {
            if (b == '\n') {
                String id = responseId(head, headLength);
                if (id != null) {
                    answered(id);
                }
                headLength = 0;
            } else if (headLength < head.length) {
                head[headLength++] = b;
            }
        }
    }

    /**
     * The id (as JSON text) of a response, i.e. a line with a top-level "id" and "result" or "error" and no
     * "method"; null for anything else, or when the head is cut before that is known.
     */
    private static String responseId(byte[] head, int length) {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(head, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            boolean response = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (name.equals("method")) {
                    return null;
                }
                response |= name.equals("result") || name.equals("error");
                if (response && id != null) {
                    return id; // without reading the result, which may go on far past the head
                }
                parser.nextToken();
                if (name.equals("id")) {
                    id = Json.write(parser.readValueAsTree());
                } else {
                    parser.skipChildren();
                }
            }
            return response ? id : null;
        } catch (IOException e) {
            return null;
        }
    }
}
