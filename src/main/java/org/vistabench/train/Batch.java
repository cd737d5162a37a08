package org.vistabench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.vistabench.data.feature.FeatureSource;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.tensor.NdArrays;

/**
 * A padded batch of visual prompts + answers (right padding; all arrays in one step manager).
 *
 * @param features    F32 {@code [B, N, F]} encoder features
 * @param textIds     I64 {@code [B, T]}: prompt ids, pad at the image positions, answer ids, pad
 * @param mask        F32 {@code [B, T]} attention mask, 1 = real token (the image positions are real)
 * @param targets     I64 {@code [B, A]} the ids after the prompt: each example's context then answer (0 where padded)
 * @param targetMask  F32 {@code [B, A]} 1 where {@code targets} is a real answer token (0 over an example's context
 *                    ids, {@link TrainExample#context()}, and over padding)
 * @param answerStart position whose logits predict the first answer token ({@code promptLength − 1})
 * @param tokens      real (unpadded) tokens in the batch
 * @param answerTokens tokens that carry loss (the CE's denominator)
 */
public record Batch(NDArray features, NDArray textIds, NDArray mask, NDArray targets, NDArray targetMask,
                    int imageStart, int imageTokens, int answerStart, int answerLength, long tokens,
                    long answerTokens) {

    public static Batch build(NDManager m, VisualPrompt prompt, FeatureSource source, List<TrainExample> examples,
                              int[] picks) {
        int b = picks.length;
        int p = prompt.promptLength();
        int amax = 0;
        for (int i : picks) {
            amax = Math.max(amax, examples.get(i).answerIds().length);
        }
        int t = p + amax;
        long[] base = prompt.promptIds();
        long[] ids = new long[b * t];
        float[] mask = new float[b * t];
        long[] targets = new long[b * amax];
        float[] tmask = new float[b * amax];
        int[] rows = new int[b];
        long tokens = 0;
        long answerTokens = 0;
        for (int r = 0; r < b; r++) {
            TrainExample ex = examples.get(picks[r]);
            if (p == prompt.prefixIds().length + prompt.imageTokens() && ex.context() == 0) {
                throw new IllegalArgumentException("example of feature row " + ex.featureRow() + " has no context, but"
                        + " the prompt ends at the image: its first answer token has no text position to be predicted"
                        + " from");
            }
            rows[r] = ex.featureRow();
            long[] a = ex.answerIds();
            System.arraycopy(base, 0, ids, r * t, p);
            System.arraycopy(a, 0, ids, r * t + p, a.length);
            for (int j = p + a.length; j < t; j++) {
                ids[r * t + j] = prompt.padId();
            }
            for (int j = 0; j < p + a.length; j++) {
                mask[r * t + j] = 1f;
            }
            System.arraycopy(a, 0, targets, r * amax, a.length);
            for (int j = ex.context(); j < a.length; j++) {
                tmask[r * amax + j] = 1f;
            }
            tokens += p + a.length;
            answerTokens += ex.lossTokens();
        }
        NDArray feats = source.batch(m, rows);
        if (feats.getShape().get(1) != prompt.imageTokens()) {
            throw new IllegalArgumentException("features have " + feats.getShape().get(1) + " tokens per image, the"
                    + " prompt has " + prompt.imageTokens() + " image positions");
        }
        return new Batch(feats, NdArrays.ownedLongs(m, ids, new Shape(b, t)), NdArrays.owned(m, mask, new Shape(b, t)),
                NdArrays.ownedLongs(m, targets, new Shape(b, amax)), NdArrays.owned(m, tmask, new Shape(b, amax)),
                prompt.imageStart(), prompt.imageTokens(), p - 1, amax, tokens, answerTokens);
    }

    public int size() {
        return (int) textIds.getShape().get(0);
    }

    public int length() {
        return (int) textIds.getShape().get(1);
    }
}
