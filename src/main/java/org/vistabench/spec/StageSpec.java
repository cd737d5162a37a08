package org.vistabench.spec;

/**
 * One entry of {@code train.stages}: a training stage, its unset keys already filled from the {@code train}
 * section.
 *
 * @param data        {@code coco} (the data bundle's {@code train} split) or the name of a conversation set under
 *                    {@code data.conversations} (the data bundle's split of that name)
 * @param steps       optimizer steps, or null when the stage gives {@code epochs}
 * @param epochs      passes over the stage's data, or null when the stage gives {@code steps}
 * @param schedule    {@code cosine} (warmup then cosine to 0, the default) or {@code constant} (warmup then flat)
 * @param warmup      warmup steps (used when {@code warmupRatio} is null)
 * @param warmupRatio warmup as a fraction of the stage's steps (LLaVA's {@code warmup_ratio}), or null
 * @param batch       images per forward pass (micro-batch); the effective batch is {@code batch × accumulation}
 */
public record StageSpec(String name, String data, Integer steps, Integer epochs, double lr, String schedule,
                        int warmup, Double warmupRatio, int batch, int accumulation, double lambdaSae,
                        double weightDecay, double gradClip) {
    /** The stage data name that means the COCO-format data's train split. */
    public static final String COCO = "coco";

    /** Warmup steps of a stage of {@code steps} optimizer steps: {@code ceil(ratio × steps)} as HF, or {@code warmup}. */
    public int warmupSteps(int stageSteps) {
        return warmupRatio == null ? warmup : (int) Math.ceil(warmupRatio * stageSteps);
    }
}
