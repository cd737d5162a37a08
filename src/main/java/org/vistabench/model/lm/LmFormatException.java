package org.vistabench.model.lm;

import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** A language-model folder whose config.json is missing, unreadable, incomplete or names something we do not run. */
public final class LmFormatException extends VistaException {
    public LmFormatException(String message) {
        super(ExitCodes.CELL_FAILED, message);
    }

    public LmFormatException(String message, Throwable cause) {
        super(ExitCodes.CELL_FAILED, message, cause);
    }
}
