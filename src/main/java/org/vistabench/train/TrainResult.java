package org.vistabench.train;

import java.util.List;
import org.vistabench.model.projector.Projector;

/**
 * What {@link Trainer#train} hands back.
 *
 * @param projector   the trained projector (its arrays live in the manager given to {@code train})
 * @param stepsDone   optimizer steps in total (including those before a resume)
 * @param resumedFrom steps restored from a checkpoint (0 for a fresh run)
 * @param trace       one row per step, from step 0
 */
public record TrainResult(Projector projector, int stepsDone, int resumedFrom, List<TraceRow> trace) {
    public TrainResult {
        trace = List.copyOf(trace);
    }
}
