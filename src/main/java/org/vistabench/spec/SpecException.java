package org.vistabench.spec;

import java.util.List;
import java.util.stream.Collectors;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/**
 * A spec that cannot be used. Carries every problem found in the file (validation does not stop at the first one),
 * in file order. Exit code 2: nothing was run or written.
 */
public final class SpecException extends VistaException {
    private final List<SpecError> errors;

    public SpecException(List<SpecError> errors) {
        super(ExitCodes.USAGE, render(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public SpecException(SpecError error) {
        this(List.of(error));
    }

    public List<SpecError> errors() {
        return errors;
    }

    private static String render(List<SpecError> errors) {
        if (errors.isEmpty()) {
            return "(no errors)";
        }
        if (errors.size() == 1) {
            return errors.get(0).toString();
        }
        return errors.size() + " errors in " + errors.get(0).file() + ":\n"
                + errors.stream().map(SpecError::toString).collect(Collectors.joining("\n"));
    }
}
