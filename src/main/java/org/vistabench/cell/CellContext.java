package org.vistabench.cell;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/** What a metric provider ({@code eval.MetricProvider}) sees while it works on one cell. */
public interface CellContext {
    Spec spec();

    Cell cell();

    /** The cell's own folder; providers may write files here (atomically). */
    Path cellDir();

    /** This provider's parameters from the spec ({@code metrics: {<name>: {...}}}). */
    Map<String, Object> params();

    /** A per-run object shared by all cells (the world, loaded models), made once by {@code make}. */
    <T> T shared(String key, Supplier<T> make);

    /** Per-cell hand-over between providers of the same cell (train puts the trained projector here). */
    Map<String, Object> artefacts();

    /** True under {@code --resume}: a provider may continue from its own checkpoints in {@link #cellDir()}. */
    boolean resume();

    /**
     * Reports where part of this provider's time went ({@code train.forward}, {@code setup.features}): added to the
     * cell's stage seconds in run.json and to the run's {@code time:} line, never to metrics or tables.
     */
    default void partSeconds(String part, double seconds) {
    }

    /** False under {@code run --no-progress}: the provider draws no progress bars (training, features, world build). */
    default boolean progress() {
        return true;
    }
}
