package org.vistabench.tensor;

import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** A checkpoint file that is missing, truncated, inconsistent or lacks a tensor; the message names file and tensor. */
public final class TensorFormatException extends VistaException {
    public TensorFormatException(String message) {
        super(ExitCodes.CELL_FAILED, message);
    }

    public TensorFormatException(String message, Throwable cause) {
        super(ExitCodes.CELL_FAILED, message, cause);
    }
}
