package dev.gapless.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a file of bearer tokens scoped to chats: one token a line, followed by the chat-id patterns it may use
 * ({@link ChatScope}), separated by white space; blank lines and lines starting with {@code #} are skipped:
 * <pre>
 * # token                              chats
 * 8c1f0e3a9b7d4c2e8f6a1b3c5d7e9f01     team-a-*
 * 2b4d6f8a0c1e3a5b7d9f1c3e5a7b9d0f     team-b-* shared-demo
 * </pre>
 * The file holds secrets, so one that its group or others may read is refused, like ssh refuses such a key.
 */
final class TokenFile {

    private TokenFile() {
    }

    /**
     * Reads the file.
     *
     * @return the tokens and their scopes, in file order
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException naming the file and line, if it is readable by others, empty, or a line is
     *     malformed (a token shorter than 16 characters, without patterns, or given twice)
     */
    static Map<String, ChatScope> read(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view != null) {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER"))) {
                throw new IllegalArgumentException("the token file " + file + " has mode "
                        + PosixFilePermissions.toString(permissions) + "; it holds secrets, so only its owner may"
                        + " read it: run 'chmod 600 " + file + "'");
            }
        }
        Map<String, ChatScope> tokens = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            if (fields.length < 2) {
                throw new IllegalArgumentException(where + "a token needs the chat-id patterns it may use after it,"
                        + " e.g. 'TOKEN team-a-*' ('*' for every chat)");
            }
            String token = fields[0];
            if (token.length() < BearerTokenFilter.MIN_LENGTH) {
                throw new IllegalArgumentException(where + "a token needs at least " + BearerTokenFilter.MIN_LENGTH
                        + " characters");
            }
            ChatScope scope;
            try {
                scope = new ChatScope(Arrays.asList(fields).subList(1, fields.length));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            if (tokens.putIfAbsent(token, scope) != null) {
                throw new IllegalArgumentException(where + "this token was already given on an earlier line");
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("the token file " + file + " has no token");
        }
        return tokens;
    }
}
