package org.vistabench.core;

/**
 * A user-facing error: the message is one line that names the file, key or tensor, what was expected and what was
 * found. The CLI prints it as {@code error: <message>} and exits with {@link #exitCode()}; never with a stack trace.
 */
public class VistaException extends RuntimeException {
    private final int exitCode;

    public VistaException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public VistaException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
