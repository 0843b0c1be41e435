package dev.gapless.cli;

import picocli.CommandLine.Option;

/**
 * {@code --verbose} for every command whose failures say "run with --verbose for the stack trace"; read by
 * {@link Main}'s failure handler.
 */
final class VerboseOption {

    @Option(names = "--verbose", description = "Print the stack trace of a failure.")
    boolean verbose;
}
