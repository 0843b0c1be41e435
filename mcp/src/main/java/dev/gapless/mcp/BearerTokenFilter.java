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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>} naming one of its tokens (the scheme in any
 * case, as RFC 9110 says); any other gets {@code 401} with a {@code WWW-Authenticate} challenge and a JSON error,
 * and nothing behind the filter runs. The token's {@link ChatScope} goes with the request as the attribute
 * {@value #SCOPE_ATTRIBUTE}. Every token is compared, each in the same time wherever the tokens differ.
 */
final class BearerTokenFilter implements Filter {

    static final int MIN_LENGTH = 16;
    /** The request attribute holding the {@link ChatScope} of the request's token. */
    static final String SCOPE_ATTRIBUTE = "gapless.chat-scope";
    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenFilter.class);
    private static final String SCHEME = "bearer";

    private final List<byte[]> tokens = new ArrayList<>();
    private final List<ChatScope> scopes = new ArrayList<>();
    private final java.util.Set<String> open;

    BearerTokenFilter(Map<String, ChatScope> tokens) {
        this(tokens, java.util.Set.of());
    }

    /** With request paths that need no token: the viewer's page, which holds no data (its API needs the token). */
    BearerTokenFilter(Map<String, ChatScope> tokens, java.util.Set<String> open) {
        this.open = java.util.Set.copyOf(open);
        tokens.forEach((token, scope) -> {
            this.tokens.add(token.getBytes(StandardCharsets.UTF_8));
            this.scopes.add(scope);
        });
    }

    /** The scope of the token the header names, or null. */
    private ChatScope scopeOf(String header) {
        String value = header == null ? "" : header.strip();
        boolean bearer = value.length() > SCHEME.length() && value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                && Character.isWhitespace(value.charAt(SCHEME.length()));
        byte[] given = (bearer ? value.substring(SCHEME.length()).strip() : "").getBytes(StandardCharsets.UTF_8);
        ChatScope found = null;
        for (int i = 0; i < tokens.size(); i++) {
            if (MessageDigest.isEqual(tokens.get(i), given) && bearer) {
                found = scopes.get(i);
            }
        }
        return found;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        if ("GET".equals(http.getMethod()) && open.contains(http.getRequestURI())) {
            chain.doFilter(request, response);
            return;
        }
        String header = http.getHeader("Authorization");
        ChatScope scope = scopeOf(header);
        if (scope != null) {
            request.setAttribute(SCOPE_ATTRIBUTE, scope);
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
