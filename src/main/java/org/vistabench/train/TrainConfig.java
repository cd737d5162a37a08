package org.vistabench.train;

import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.spec.TrainSpec;

/**
 * Everything that decides the numbers of one projector training run (a cell's {@code train:} block plus the seed).
 * AdamW's betas and eps are torch's defaults; LLaVA stage 1 uses them too. With {@code train.stages} the per-stage
 * settings live in {@link TrainStage}s and this record keeps the run-wide ones (projector, precision, seed, AdamW's
 * betas and eps, checkpoint interval) with {@code steps} the total of the stages.
 *
 * @param batch        images per forward pass (the micro-batch)
 * @param accumulation micro-batches per optimizer step (effective batch = {@code batch × accumulation})
 */
public record TrainConfig(int steps, int batch, double lr, int warmup, double lambdaSae, ProjectorKind projector,
                          String precision, int checkpointEvery, double gradClip, double weightDecay, long seed,
                          double beta1, double beta2, double eps, int accumulation) {
    /** A configuration without gradient accumulation. */
    public TrainConfig(int steps, int batch, double lr, int warmup, double lambdaSae, ProjectorKind projector,
                       String precision, int checkpointEvery, double gradClip, double weightDecay, long seed,
                       double beta1, double beta2, double eps) {
        this(steps, batch, lr, warmup, lambdaSae, projector, precision, checkpointEvery, gradClip, weightDecay, seed,
                beta1, beta2, eps, 1);
    }

    public TrainConfig {
        require(accumulation >= 1, "train.accumulation", "at least 1", accumulation);
        require(steps >= 1, "train.steps", "at least 1", steps);
        require(batch >= 1, "train.batch", "at least 1", batch);
        require(lr > 0 && Double.isFinite(lr), "train.lr", "a positive number", lr);
        require(warmup >= 0, "train.warmup", "0 or more", warmup);
        require(lambdaSae >= 0 && Double.isFinite(lambdaSae), "train.lambda_sae", "0 or more", lambdaSae);
        require(checkpointEvery >= 0, "train.checkpoint_every", "0 (only at the end) or more", checkpointEvery);
        require(gradClip >= 0, "train.grad_clip", "0 (off) or more", gradClip);
        require(weightDecay >= 0, "train.weight_decay", "0 or more", weightDecay);
        if (!precision.equals("fp32") && !precision.equals("bf16")) {
            throw new VistaException(ExitCodes.USAGE, "train.precision: expected fp32 or bf16, got '" + precision + "'");
        }
    }

    private static void require(boolean ok, String key, String expected, Object got) {
        if (!ok) {
            throw new VistaException(ExitCodes.USAGE, key + ": expected " + expected + ", got " + got);
        }
    }

    public static TrainConfig from(TrainSpec t, long seed) {
        // With stages, steps is the stages' total once their data is known (withSteps); at least 1 until then.
        return new TrainConfig(Math.max(1, t.steps()), t.batch(), t.lr(), t.warmup(), t.lambdaSae(),
                ProjectorKind.parse(t.projector() == null ? "mlp2x_gelu" : t.projector()),
                t.precision() == null ? "fp32" : t.precision(), t.checkpointEvery(), t.gradClip(), t.weightDecay(),
                seed, 0.9, 0.999, 1e-8, t.accumulation());
    }

    public TrainConfig withSteps(int s) {
        return new TrainConfig(s, batch, lr, warmup, lambdaSae, projector, precision, checkpointEvery, gradClip,
                weightDecay, seed, beta1, beta2, eps, accumulation);
    }

    public TrainConfig withLambda(double l) {
        return new TrainConfig(steps, batch, lr, warmup, l, projector, precision, checkpointEvery, gradClip,
                weightDecay, seed, beta1, beta2, eps, accumulation);
    }

    public TrainConfig withCheckpointEvery(int n) {
        return new TrainConfig(steps, batch, lr, warmup, lambdaSae, projector, precision, n, gradClip,
                weightDecay, seed, beta1, beta2, eps, accumulation);
    }

    /** A stable text form of every field, stored in checkpoints so a resume refuses a changed configuration. */
    public String fingerprint() {
        return "steps=" + steps + ";batch=" + batch + ";lr=" + lr + ";warmup=" + warmup + ";lambda=" + lambdaSae
                + ";projector=" + projector.specName() + ";precision=" + precision + ";clip=" + gradClip
                + ";wd=" + weightDecay + ";seed=" + seed + ";betas=" + beta1 + "," + beta2 + ";eps=" + eps
                + (accumulation == 1 ? "" : ";accumulation=" + accumulation);
    }
}
