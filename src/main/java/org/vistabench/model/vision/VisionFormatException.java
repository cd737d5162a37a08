package org.vistabench.model.vision;

import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** A vision model folder or preprocessor config that cannot be used; the message names the file, key and value. */
public final class VisionFormatException extends VistaException {
    public VisionFormatException(String message) {
        super(ExitCodes.CELL_FAILED, message);
    }

    public VisionFormatException(String message, Throwable cause) {
        super(ExitCodes.CELL_FAILED, message, cause);
    }
}
