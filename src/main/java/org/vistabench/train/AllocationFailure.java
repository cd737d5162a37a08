package org.vistabench.train;

import java.util.Locale;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/**
 * A memory allocation that failed: the JVM's {@link OutOfMemoryError}, or libtorch's allocator refusing (DJL wraps it
 * in an {@code EngineException}: "DefaultCPUAllocator: can't allocate memory", CUDA's "out of memory"). The JVM
 * treats its own as fatal, but the memory a cell held is freed when its managers close, so the cell fails alone
 * (exit 3) with a line that says so, and the run goes on with the next cell.
 */
public final class AllocationFailure {
    private AllocationFailure() {
    }

    /** Whether {@code t} or one of its causes is a failed allocation. */
    public static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return true;
            }
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("out of memory") || m.contains("defaultcpuallocator") || m.contains("can't allocate memory")) {
                return true;
            }
        }
        return false;
    }

    /** The cell's failure: {@code <cell>: out of memory at train.batch B: <first line of the cause>; ...}. */
    public static VistaException cellFailure(String cell, int batch, Throwable t) {
        String msg = t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage().lines().findFirst().orElse("");
        return new VistaException(ExitCodes.CELL_FAILED, cell + ": out of memory at train.batch " + batch + " (" + msg
                + "); lower train.batch, or give the JVM more (-Xmx) or the machine more memory", t);
    }
}
