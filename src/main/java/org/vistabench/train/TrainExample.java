package org.vistabench.train;

/**
 * One training (or evaluation) example: a row of the feature source and the answer's token ids, ending with the
 * chat template's end-of-turn token (the model learns to stop).
 */
public record TrainExample(int featureRow, long[] answerIds) {
    public TrainExample {
        if (answerIds.length < 1) {
            throw new IllegalArgumentException("example of feature row " + featureRow + " has an empty answer");
        }
        answerIds = answerIds.clone();
    }
}
