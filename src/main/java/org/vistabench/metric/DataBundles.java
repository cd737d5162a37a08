package org.vistabench.metric;

import java.nio.file.Path;
import org.vistabench.VistaException;
import org.vistabench.cli.ExitCodes;
import org.vistabench.run.CellContext;
import org.vistabench.spec.Spec;

/** Opens the dataset a spec names (the mini world, or COCO-format data). */
final class DataBundles {
    private DataBundles() {
    }

    static DataBundle open(Spec spec, CellContext ctx) {
        throw new VistaException(ExitCodes.CELL_FAILED, spec.file() + ": the train/caption providers read data through"
                + " the world package, which this build does not have yet");
    }

    static Path resolveWorldPath(CellContext ctx, String ref) {
        throw new VistaException(ExitCodes.CELL_FAILED, ref + ": world paths need the world package, which this build"
                + " does not have yet");
    }
}
