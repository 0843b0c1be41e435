package dev.gapless.cli;

/**
 * A failure whose message already says what happened and what to do (e.g. the data directory is held by another
 * process): printed as it is, with exit code 1, and the stack trace only with {@code --verbose}.
 */
final class CommandFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
