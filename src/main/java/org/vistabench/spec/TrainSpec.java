package org.vistabench.spec;

/**
 * Projector training settings.
 *
 * @param lambdaSae weight of the SAE reconstruction term
 * @param projector {@code mlp2x_gelu} or {@code linear}
 * @param precision {@code fp32} or {@code bf16}
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param checkpointEvery steps between checkpoints (the last step always checkpoints)
 * @param evalImages how many test images metrics use (0 = all)
 * @param accumulation micro-batches per optimizer step ({@code batch} is the micro-batch)
 * @param stages the {@code train.stages}, in order; empty for a spec without stages (one run from the keys above).
 *               With stages, {@code steps} is the total of the stages that give {@code steps} (epochs are counted
 *               when the data is known) and {@code batch} the largest micro-batch of any stage (what memory needs)
 */
public record TrainSpec(int steps, int batch, double lr, int warmup, double lambdaSae, String projector,
                        String precision, String device, int checkpointEvery, double gradClip, double weightDecay,
                        int evalImages, int accumulation, java.util.List<StageSpec> stages) {
    public TrainSpec {
        stages = java.util.List.copyOf(stages);
    }

    /** Settings without accumulation or stages. */
    public TrainSpec(int steps, int batch, double lr, int warmup, double lambdaSae, String projector,
                     String precision, String device, int checkpointEvery, double gradClip, double weightDecay,
                     int evalImages) {
        this(steps, batch, lr, warmup, lambdaSae, projector, precision, device, checkpointEvery, gradClip,
                weightDecay, evalImages, 1, java.util.List.of());
    }
}
