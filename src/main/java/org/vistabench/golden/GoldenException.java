package org.vistabench.golden;

import java.util.List;
import org.vistabench.core.FileError;
import org.vistabench.core.FileErrorsException;

/** A golden file is malformed; carries every problem found, not just the first. */
public final class GoldenException extends FileErrorsException {
    public GoldenException(List<FileError> errors) {
        super(errors);
    }

    public GoldenException(String message) {
        super(message);
    }
}
