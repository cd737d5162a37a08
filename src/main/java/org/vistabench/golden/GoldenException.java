package org.vistabench.golden;

import java.util.List;
import java.util.stream.Collectors;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** A golden file (or a metrics table it is checked against) is malformed; carries every problem found, not just the first. */
public final class GoldenException extends VistaException {
    private final List<GoldenError> errors;

    public GoldenException(List<GoldenError> errors) {
        super(ExitCodes.USAGE, errors.stream().map(GoldenError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public GoldenException(String message) {
        super(ExitCodes.USAGE, message);
        this.errors = List.of();
    }

    /** Every located problem, in file order; empty when the problem was not in a golden file (e.g. a missing table). */
    public List<GoldenError> errors() {
        return errors;
    }
}
