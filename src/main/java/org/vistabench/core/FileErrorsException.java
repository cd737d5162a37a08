package org.vistabench.core;

import java.util.List;
import java.util.stream.Collectors;

/** A file we read is malformed; carries every located problem found, not just the first (exit 2). */
public class FileErrorsException extends VistaException {
    private final List<FileError> errors;

    public FileErrorsException(List<FileError> errors) {
        super(ExitCodes.USAGE, errors.stream().map(FileError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public FileErrorsException(String message) {
        super(ExitCodes.USAGE, message);
        this.errors = List.of();
    }

    /** Every located problem, in file order; empty when the problem was not inside a file (e.g. a missing file). */
    public List<FileError> errors() {
        return errors;
    }
}
