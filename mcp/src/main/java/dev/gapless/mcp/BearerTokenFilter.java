package dev.gapless.mcp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}; any other gets {@code 401} with a
 * {@code WWW-Authenticate} challenge and a JSON error, and nothing behind the filter runs. The comparison takes the
 * same time wherever the tokens differ.
 */
final class BearerTokenFilter implements Filter {

    static final int MIN_LENGTH = 16;
    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenFilter.class);

    private final byte[] expected;

    BearerTokenFilter(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String header = http.getHeader("Authorization");
        byte[] given = header == null ? new byte[0] : header.trim().getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given)) {
            chain.doFilter(request, response);
            return;
        }
        LOG.info("refused {} {} from {}: {}", http.getMethod(), http.getRequestURI(), http.getRemoteAddr(),
                header == null ? "no bearer token" : "a wrong bearer token");
        HttpServletResponse answer = (HttpServletResponse) response;
        answer.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        answer.setHeader("WWW-Authenticate", "Bearer realm=\"gapless\"");
        answer.setContentType("application/json");
        answer.setCharacterEncoding("UTF-8");
        answer.getWriter().write(header == null
                ? "{\"error\":\"missing bearer token: send Authorization: Bearer <token>\"}"
                : "{\"error\":\"wrong bearer token\"}");
    }
}
