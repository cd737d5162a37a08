package org.vistabench.train;

import java.util.List;
import org.vistabench.data.feature.FeatureSource;
import org.vistabench.model.projector.VisualPrompt;

/**
 * One stage of a staged training run (spec {@code train.stages}): its own data, length, schedule and loss weight.
 * Each stage starts a fresh AdamW (moments and step count at zero) and its own data order, as LLaVA's pretrain and
 * finetune runs do; the projector carries over.
 *
 * @param batch        images per forward pass (the micro-batch)
 * @param accumulation micro-batches per optimizer step: the effective batch is {@code batch × accumulation}
 */
public record TrainStage(String name, int steps, int batch, int accumulation, LrSchedule schedule, double lambdaSae,
                         double weightDecay, double gradClip, VisualPrompt prompt, FeatureSource features,
                         List<TrainExample> examples) {
    public TrainStage {
        if (steps < 1 || batch < 1 || accumulation < 1) {
            throw new IllegalArgumentException("stage " + name + ": steps, batch and accumulation must be at least 1,"
                    + " got " + steps + ", " + batch + ", " + accumulation);
        }
        examples = List.copyOf(examples);
    }

    /** Optimizer steps of {@code epochs} passes over {@code examples} examples at the effective batch (rounded up). */
    public static int stepsOfEpochs(int epochs, int examples, int batch, int accumulation) {
        long perEpoch = (examples + (long) batch * accumulation - 1) / ((long) batch * accumulation);
        return Math.toIntExact(Math.max(1, perEpoch * epochs));
    }

    /** The settings that decide the numbers (for the checkpoint fingerprint). */
    String fingerprint() {
        return "stage=" + name + ";steps=" + steps + ";batch=" + batch + ";accumulation=" + accumulation + ";lr="
                + schedule.peak() + ";warmup=" + schedule.warmup() + ";schedule=" + schedule.kind().specName()
                + ";lambda=" + lambdaSae + ";wd=" + weightDecay + ";clip=" + gradClip + ";examples=" + examples.size()
                + ":" + Trainer.digest(examples);
    }
}
