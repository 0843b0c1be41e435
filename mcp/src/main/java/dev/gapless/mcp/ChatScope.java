package dev.gapless.mcp;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The chats a bearer token may use: chat-id patterns in which {@code *} stands for any characters (none included)
 * and everything else for itself, e.g. {@code team-a-*}. A call naming a chat outside them is refused before
 * anything is read or written. Immutable and thread-safe.
 *
 * @param patterns the patterns, at least one
 */
record ChatScope(List<String> patterns) {

    /** Every chat: the scope of the one token given with {@code token(...)}. */
    static final ChatScope ALL = new ChatScope(List.of("*"));

    ChatScope {
        patterns = List.copyOf(patterns);
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one chat pattern");
        }
        for (String p : patterns) {
            if (p.isBlank() || p.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("a chat pattern must not be blank or hold white space or control"
                        + " characters: '" + p + "'");
            }
        }
    }

    /** Whether {@code chat} matches one of the patterns. */
    boolean allows(String chat) {
        for (String p : patterns) {
            String regex = Arrays.stream(p.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
            if (Pattern.matches(regex, chat)) {
                return true;
            }
        }
        return false;
    }
}
