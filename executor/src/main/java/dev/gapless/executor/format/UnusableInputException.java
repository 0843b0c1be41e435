package dev.gapless.executor.format;

/**
 * A document as a whole cannot be used: it is not JSON, or has no recognisable tool-call structure. (A single bad
 * call inside a usable document is not this: it becomes an error result.)
 */
public final class UnusableInputException extends RuntimeException {

    /**
     * Creates an {@code UnusableInputException}.
     *
     * @param message what is wrong with the document
     */
    public UnusableInputException(String message) {
        super(message);
    }
}
