package dev.gapless.cli;

import java.security.SecureRandom;
import java.util.Base64;
import picocli.CommandLine;

/**
 * The bearer token of an HTTP command ({@code mcp --http}, {@code serve}): {@code --token}, else
 * {@code $GAPLESS_MCP_TOKEN}, else (when no token file scopes the tokens) one generated for this run.
 *
 * @param value  the token, or null when only a token file gives tokens
 * @param source {@code --token}, the variable's name, or null when generated (or absent)
 */
record BearerToken(String value, String source) {

    /** The environment variable that may hold the bearer token. */
    static final String VARIABLE = "GAPLESS_MCP_TOKEN";

    /**
     * Resolves the token.
     *
     * @param option      the {@code --token} value, or null
     * @param tokenFile   whether a token file gives the tokens (then nothing is generated)
     * @param commandLine for the usage error
     * @throws CommandLine.ParameterException if the token is shorter than 16 characters or has white space
     */
    static BearerToken resolve(String option, boolean tokenFile, CommandLine commandLine) {
        String variable = System.getenv(VARIABLE);
        String source = option != null ? "--token" : variable != null ? VARIABLE : null;
        String value = option != null ? option : variable != null ? variable : tokenFile ? null : generated();
        if (value != null && (value.length() < 16 || value.chars().anyMatch(Character::isWhitespace))) {
            throw new CommandLine.ParameterException(commandLine, "the bearer token (" + source + ") must"
                    + " have at least 16 characters and no white space");
        }
        return new BearerToken(value, source);
    }

    /** The line that tells the user which token to send. */
    String describe() {
        return source == null ? "bearer token: " + value + "   (generated for this run; choose one with --token or $"
                + VARIABLE + "; it may use every chat)" : "bearer token: from " + source + " (it may use every chat"
                + (source.equals("--token") ? "; a command line is visible to every local user (ps): prefer $"
                + VARIABLE : "") + ")";
    }

    private static String generated() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
