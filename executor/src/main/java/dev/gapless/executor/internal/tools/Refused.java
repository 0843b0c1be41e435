package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;

/**
 * A call that cannot run as asked (a file that is not there, an argument out of range): an error result with this
 * message, nothing written. Carries no stack trace.
 */
public final class Refused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a {@code Refused}.
     *
     * @param message the whole message for the model, saying what to do
     */
    public Refused(String message) {
        super(message, null, false, false);
    }

    /**
     * An integer argument, read exactly (as a big integer: never wrapped or rounded to an {@code int}) and refused
     * unless it is in {@code [min, max]}, naming the range.
     *
     * @param tool the tool's name, for the message
     * @param node the argument
     * @param name the argument's name, for the message
     * @param min  the least value accepted
     * @param max  the greatest value accepted
     * @return the value
     * @throws Refused if it is not an integer in range
     */
    static int integer(String tool, JsonNode node, String name, int min, int max) {
        BigInteger value = null;
        if (node.isIntegralNumber()) {
            value = node.bigIntegerValue();
        } else if (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0) {
            value = node.decimalValue().toBigIntegerExact();
        }
        if (value == null || value.compareTo(BigInteger.valueOf(min)) < 0
                || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new Refused("invalid arguments for " + tool + ": " + name + " is " + node + ", out of range:"
                    + " it must be an integer from " + min + " to " + max + "; nothing was written.");
        }
        return value.intValueExact();
    }
}
