package org.vistabench.cell;

import ai.djl.ndarray.NDManager;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.VisualPrompt;

/**
 * What the {@code train} provider hands to later providers of the same cell ({@code ctx.artefacts().get(KEY)}):
 * the trained projector and the visual prompt it was trained with. Closed by the runner when the cell ends.
 */
public record TrainedCell(NDManager manager, Projector projector, VisualPrompt prompt, String question)
        implements AutoCloseable {
    public static final String KEY = "train";

    @Override
    public void close() {
        projector.close();
        manager.close();
    }
}
