package org.vistabench.core;

/**
 * One problem found in a file we read (golden file, metrics table), located by line and column (1-based) and by key path.
 *
 * @param path the key path inside the file, e.g. {@code claims[2].expect.at_least}; empty for the whole document
 */
public record FileError(String file, int line, int column, String path, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
