package dev.gapless.mcp;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URI of a code file as an MCP resource: {@code gapless://chat/<chat>/code/<file>}, the chat id and the file name
 * percent-encoded (UTF-8; a space is {@code %20}, a slash {@code %2F}), so that any chat id and file name fits one
 * path segment. Immutable.
 *
 * @param chat     the chat id
 * @param filename the file's name
 */
record ResourceUri(String chat, String filename) {

    /** The resource template, RFC 6570 style. */
    static final String TEMPLATE = "gapless://chat/{chat}/code/{file}";

    private static final Pattern SHAPE = Pattern.compile("gapless://chat/([^/?#]+)/code/([^/?#]+)");

    /** The URI of one file. */
    static String of(String chat, String filename) {
        return "gapless://chat/" + encode(chat) + "/code/" + encode(filename);
    }

    /** Reads a URI made by {@link #of}; empty when it is not one. */
    static Optional<ResourceUri> parse(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(uri);
        if (!m.matches() || uri.indexOf('+') >= 0) {
            return Optional.empty();
        }
        try {
            String chat = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            String file = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            return chat.isBlank() || file.isBlank() ? Optional.empty() : Optional.of(new ResourceUri(chat, file));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
