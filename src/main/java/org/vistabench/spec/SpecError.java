package org.vistabench.spec;

import org.vistabench.core.FileError;

/**
 * One problem in a spec file, located by line and column (1-based; 0 when the problem concerns the whole file).
 *
 * @param file the spec file as given on the command line
 * @param keyPath dotted path of the offending key, e.g. {@code train.lr} or {@code encoders[1].layer}; empty for
 *     problems of the whole file
 * @param message what was expected and what was found
 */
public record SpecError(String file, int line, int column, String keyPath, String message) {

    /** The spec form of a problem found by the {@link NodeReader}. */
    static SpecError of(FileError e) {
        return new SpecError(e.file(), e.line(), e.column(), e.path(), e.message());
    }

    /** {@code file:line:col: key.path: message}, the form editors and CI logs can jump to. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (!keyPath.isEmpty()) {
            sb.append(keyPath).append(": ");
        }
        return sb.append(message).toString();
    }
}
