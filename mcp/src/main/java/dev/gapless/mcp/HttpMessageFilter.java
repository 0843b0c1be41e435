package dev.gapless.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.json.Json;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityValidator;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the SDK's Streamable HTTP servlet is given, and what it may answer. A POST to the MCP endpoint must say
 * {@code Content-Type: application/json} (else 415) and accept both {@code application/json} and
 * {@code text/event-stream} (else 406); its body is checked by {@link JsonRpcCheck}, exactly as a line on stdio is:
 * text that is not JSON, a batch, a message that is not JSON-RPC 2.0 (such as {@code "jsonrpc": "1.0"}) or a key
 * given twice is answered here with HTTP 400 and its JSON-RPC error, and a {@code tools/call} whose parameters have
 * the wrong shape (such as {@code arguments} sent as a JSON string) with HTTP 200 and a -32602 error, at once.
 * Every error the SDK itself answers (an unknown session: 404) goes through {@link CleanErrorResponse}: a JSON-RPC
 * error with a short message, never a serialised exception. Thread-safe.
 */
final class HttpMessageFilter implements Filter {

    private final JsonRpcCheck check;
    private final ServerTransportSecurityValidator validator;
    private final java.util.function.BiConsumer<String, String> observer;

    /** @param validator the SDK's Host/Origin check, run first here as the servlet runs it before the body */
    HttpMessageFilter(JsonRpcCheck check, ServerTransportSecurityValidator validator) {
        this(check, validator, (method, text) -> { });
    }

    /** With an observer told of each message let through to the SDK: its method and its text. */
    HttpMessageFilter(JsonRpcCheck check, ServerTransportSecurityValidator validator,
                      java.util.function.BiConsumer<String, String> observer) {
        this.check = check;
        this.validator = validator;
        this.observer = observer;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        CleanErrorResponse answer = new CleanErrorResponse((HttpServletResponse) response);
        try {
            if ("POST".equals(http.getMethod())) {
                HttpServletRequest checked = checkPost(http, answer);
                if (checked == null) {
                    return;
                }
                chain.doFilter(checked, answer);
            } else {
                chain.doFilter(request, answer);
            }
        } finally {
            answer.finish();
        }
    }

    /** The request with its body read, or null when it was answered here. */
    private HttpServletRequest checkPost(HttpServletRequest http, CleanErrorResponse answer) throws IOException {
        try {
            validator.validateHeaders(headers(http));
        } catch (ServerTransportSecurityException e) {
            answer.error(e.getStatusCode(), JsonRpcCheck.INVALID_REQUEST, e.getMessage());
            return null;
        }
        String type = http.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            answer.error(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, JsonRpcCheck.INVALID_REQUEST,
                    "Content-Type must be application/json, was " + (type == null ? "missing" : "'" + type + "'"));
            return null;
        }
        String accept = http.getHeader("Accept");
        String accepted = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
        if (!accepted.contains("application/json") || !accepted.contains("text/event-stream")) {
            answer.error(HttpServletResponse.SC_NOT_ACCEPTABLE, JsonRpcCheck.INVALID_REQUEST, "Accept must list"
                    + " both application/json and text/event-stream, was " + (accept == null ? "missing"
                    : "'" + accept + "'"));
            return null;
        }
        if (http.getContentLengthLong() > ClientStreams.MAX_LINE_BYTES) {
            answer.error(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, JsonRpcCheck.INVALID_REQUEST,
                    "the message is larger than " + (ClientStreams.MAX_LINE_BYTES >> 20) + " MiB");
            return null;
        }
        byte[] body = readBody(http.getInputStream());
        if (body == null) {
            answer.error(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, JsonRpcCheck.INVALID_REQUEST,
                    "the message is larger than " + (ClientStreams.MAX_LINE_BYTES >> 20) + " MiB");
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            answer.error(HttpServletResponse.SC_BAD_REQUEST, JsonRpcCheck.PARSE_ERROR,
                    "Parse error: the body is not UTF-8");
            return null;
        }
        if (text.isBlank()) {
            answer.error(HttpServletResponse.SC_BAD_REQUEST, JsonRpcCheck.INVALID_REQUEST,
                    "Invalid Request: the body is empty; send one JSON-RPC message");
            return null;
        }
        JsonRpcCheck.Verdict verdict = check.check(text);
        if (verdict.action() == JsonRpcCheck.Action.REPLY) {
            JsonNode reply = Json.MAPPER.readTree(verdict.reply());
            // a request's bad params is that request's answer; a message that cannot be read is a bad request
            boolean answersARequest = reply.path("error").path("code").asInt() == JsonRpcCheck.INVALID_PARAMS
                    && !reply.path("id").isNull();
            answer.json(answersARequest ? HttpServletResponse.SC_OK : HttpServletResponse.SC_BAD_REQUEST,
                    verdict.reply());
            return null;
        }
        String refused = McpResources.refusedSubscription(verdict.method(), text,
                http.getAttribute(BearerTokenFilter.SCOPE_ATTRIBUTE));
        if (refused != null) {
            answer.json(HttpServletResponse.SC_OK, errorJson(verdict.id(), JsonRpcCheck.INVALID_PARAMS, refused));
            return null;
        }
        observer.accept(verdict.method(), text);
        answer.requestId(verdict.id());
        return new BodyRequest(http, body);
    }

    private static Map<String, List<String>> headers(HttpServletRequest http) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(http.getHeaderNames())) {
            headers.put(name, Collections.list(http.getHeaders(name)));
        }
        return headers;
    }

    /** The whole body, or null past the limit. */
    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > ClientStreams.MAX_LINE_BYTES) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** A request whose body was read here, served again from memory. */
    private static final class BodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /** For {@link CleanErrorResponse}: a JSON-RPC error response as text. */
    static String errorJson(String id, int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + (id == null ? "null" : id) + ",\"error\":{\"code\":" + code
                + ",\"message\":" + Json.write(Json.MAPPER.getNodeFactory().textNode(message)) + "}}";
    }
}
