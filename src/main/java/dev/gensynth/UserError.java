package dev.gensynth;

/**
 * A problem with what the user gave us (a file, a field, a layer), as opposed to a bug.
 * The message is shown as-is, without a stack trace, and the CLI exits with code 2; so it
 * must name the culprit and say what would fix it.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
