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
 */
public record TrainSpec(int steps, int batch, double lr, int warmup, double lambdaSae, String projector,
                        String precision, String device, int checkpointEvery, double gradClip, double weightDecay,
                        int evalImages) {
}
