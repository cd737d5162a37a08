package org.vistabench.train;

import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** NaN or Inf in the loss or the gradients: the cell stops (exit 3 for the run); the message has the numbers. */
public final class TrainingDivergedException extends VistaException {
    private final int step;

    public TrainingDivergedException(int step, String message) {
        super(ExitCodes.CELL_FAILED, message);
        this.step = step;
    }

    /** The 0-based step whose loss or gradients were not finite. */
    public int step() {
        return step;
    }
}
