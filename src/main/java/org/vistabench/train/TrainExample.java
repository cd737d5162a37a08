package org.vistabench.train;

/**
 * One training (or evaluation) example: a row of the feature source and the token ids that follow the visual
 * prompt, ending with the chat template's end-of-turn token (the model learns to stop).
 *
 * <p>The first {@code context} of those ids are fed to the LM but carry no loss (target mask 0): an example's own
 * question with the turn's end and the model-turn header, when its dataset has one question per record (LLaVA
 * conversations; see {@link PromptedExamples}). With {@code context = 0} (every example whose prompt is the spec's
 * shared question) all ids are the answer, as before.
 *
 * @param answerIds the fed ids after the prompt: {@code context} context ids, then the answer and end-of-turn
 */
public record TrainExample(int featureRow, long[] answerIds, int context) {
    public TrainExample {
        if (context < 0 || answerIds.length - context < 1) {
            throw new IllegalArgumentException("example of feature row " + featureRow + " has an empty answer ("
                    + answerIds.length + " ids of which " + context + " are context)");
        }
        answerIds = answerIds.clone();
    }

    /** An example whose ids are all answer (no per-example context). */
    public TrainExample(int featureRow, long[] answerIds) {
        this(featureRow, answerIds, 0);
    }

    /** Ids that carry loss: the answer and its end-of-turn. */
    public int lossTokens() {
        return answerIds.length - context;
    }
}
