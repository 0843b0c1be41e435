package dev.gapless.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.json.Json;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpStatus;

/**
 * A response whose error answers are JSON-RPC errors with a short message. The SDK's servlet answers an unknown
 * session, a missing header or a body it cannot read by serialising an {@code McpError}, a Java exception with its
 * whole stack trace, or with {@code sendError}; here such a body is caught (anything written once the status is 400
 * or more) and replaced by {@code {"jsonrpc":"2.0","id":…,"error":{"code":…,"message":…}}} with the same status,
 * keeping only the error's own code and message. Successful answers, SSE streams included, pass through untouched.
 * Not thread-safe: one request's thread (and the SDK's async writes after a 200) use it.
 */
final class CleanErrorResponse extends HttpServletResponseWrapper {

    private static final int SERVER_ERROR = -32603;

    private int status = SC_OK;
    private ByteArrayOutputStream captured;
    private String requestId;

    CleanErrorResponse(HttpServletResponse response) {
        super(response);
    }

    /** The id (as JSON text) of the request being answered, for the error's {@code id}; null if none. */
    void requestId(String id) {
        this.requestId = id;
    }

    /** Answers with a JSON-RPC error at once. */
    void error(int httpStatus, int code, String message) throws IOException {
        json(httpStatus, HttpMessageFilter.errorJson(requestId, code, message));
    }

    /** Answers with the given JSON at once. */
    void json(int httpStatus, String json) throws IOException {
        HttpServletResponse response = (HttpServletResponse) getResponse();
        response.setStatus(httpStatus);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }

    @Override
    public void setStatus(int sc) {
        status = sc;
        super.setStatus(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        status = sc;
        error(sc, sc >= 500 ? SERVER_ERROR : JsonRpcCheck.INVALID_REQUEST, msg == null || msg.isBlank()
                ? HttpStatus.getMessage(sc) : msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (status < 400) {
            return super.getOutputStream();
        }
        ByteArrayOutputStream buffer = capture();
        return new ServletOutputStream() {
            @Override
            public void write(int b) {
                buffer.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new IllegalStateException("not for error answers");
            }
        };
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        return status < 400 ? super.getWriter()
                : new PrintWriter(new OutputStreamWriter(capture(), StandardCharsets.UTF_8), true);
    }

    private ByteArrayOutputStream capture() {
        if (captured == null) {
            captured = new ByteArrayOutputStream();
        }
        return captured;
    }

    /** Writes the clean form of an error body the SDK wrote, if it wrote one. */
    void finish() throws IOException {
        if (captured == null || getResponse().isCommitted()) {
            return;
        }
        int code = status >= 500 ? SERVER_ERROR : JsonRpcCheck.INVALID_REQUEST;
        String message = HttpStatus.getMessage(status);
        try {
            JsonNode written = Json.MAPPER.readTree(captured.toByteArray());
            JsonNode error = written.path("jsonRpcError");
            if (error.path("code").isIntegralNumber()) {
                code = error.path("code").asInt();
            }
            String text = error.path("message").isTextual() ? error.path("message").asText()
                    : written.path("message").asText(message);
            message = firstLine(text);
        } catch (IOException | RuntimeException e) {
            // not JSON: the status's own reason stands
        }
        getResponse().resetBuffer();
        error(status, code, message);
    }

    /** No Jackson source excerpt or nested cause: the first line, at most 300 characters. */
    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("").strip();
        return line.length() <= 300 ? line : line.substring(0, 300) + "…";
    }
}
