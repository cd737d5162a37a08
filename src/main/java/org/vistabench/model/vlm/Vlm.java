package org.vistabench.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Set;
import org.vistabench.model.lm.ResidualHook;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.tensor.NdArrays;

/**
 * The one VLM path, LLaVA-style: encoder features → projector → spliced into the LM's input embeddings at the image
 * positions → the frozen LM. Training (the VISTA objective), evaluation, captioning and every metric that reads or
 * edits image-position residuals go through here, so "where the image tokens are" is decided once.
 *
 * <pre>
 *   ids      [prefix P] [pad × N] [suffix ...]
 *   embeds   [embed(prefix)] [projector(features)] [embed(suffix ...)]
 * </pre>
 *
 * <p>Arrays live in the manager of the ids given; the projector may be the one being trained (the splice is
 * differentiable w.r.t. its parameters).
 */
public final class Vlm {
    private final LmBackbone lm;
    private final DataType compute;

    /** One forward pass: logits (or null) and the captured block outputs, with where the image tokens sit. */
    public record Pass(NDArray logits, java.util.Map<Integer, NDArray> residuals, int imageStart, int imageTokens) {
        /** {@code [B, N, D]}: block {@code layer}'s output at the image positions. */
        public NDArray imageResiduals(int layer) {
            return imagePositions(residual(layer), imageStart, imageTokens);
        }

        /** Block {@code layer}'s output {@code [B, T, D]}; text positions are every position outside the image span. */
        public NDArray residual(int layer) {
            NDArray r = residuals.get(layer);
            if (r == null) {
                throw new IllegalStateException("layer " + layer + " was not captured (captured: "
                        + residuals.keySet() + ")");
            }
            return r;
        }
    }

    /**
     * @param lm      the frozen LM
     * @param compute the projector's compute type (null / F32, or BF16 where the JNI supports it)
     */
    public Vlm(LmBackbone lm, DataType compute) {
        this.lm = lm;
        this.compute = compute;
    }

    public LmBackbone lm() {
        return lm;
    }

    /**
     * The LM's input embeddings {@code [B,T,D]} for {@code textIds} {@code [B,T]} with {@code projector(features)}
     * ({@code features} {@code [B,N,F]}) spliced in at positions {@code imageStart .. imageStart+N}.
     */
    public NDArray embeddings(Projector projector, NDArray textIds, NDArray features, int imageStart) {
        NDArray text = lm.embed(textIds);
        NDArray vis = projector.forward(features, compute);
        if (vis.getDataType() != text.getDataType()) {
            vis = vis.toType(text.getDataType(), false);
        }
        int end = imageStart + (int) vis.getShape().get(1);
        NDList parts = new NDList();
        if (imageStart > 0) {
            parts.add(text.get(new NDIndex(":, :{}", imageStart)));
        }
        parts.add(vis);
        parts.add(text.get(new NDIndex(":, {}:", end)));
        return NDArrays.concat(parts, 1);
    }

    /**
     * The forward pass from ids and features: residuals of the {@code capture} blocks, logits when asked, and
     * {@code edit} (null: none) applied to block outputs, e.g. an {@link ImageEdit} at the image positions.
     */
    public Pass forward(Projector projector, NDArray textIds, NDArray features, int imageStart, NDArray mask,
                        Set<Integer> capture, boolean logits, ResidualHook edit) {
        NDArray embeds = embeddings(projector, textIds, features, imageStart);
        LmBackbone.Pass p = lm.forward(embeds, mask, capture, logits, edit);
        return new Pass(p.logits(), p.residuals(), imageStart, (int) features.getShape().get(1));
    }

    /**
     * Greedy answers to one {@code prompt} for several images at once: row r answers for {@code features[r]}
     * ({@code N × featureDim} floats) with {@code edits.get(r)} on its prefill (null: none; {@code edits} null: no
     * edit anywhere). Each row's answer is the one a batch of one gives for it, but for the rounding of batched
     * kernels. Arrays are made in a sub-manager of {@code manager} and freed before returning.
     */
    public long[][] generate(NDManager manager, Projector projector, VisualPrompt prompt, List<float[]> features,
                             int featureDim, int maxNewTokens, long[] stopIds, List<ResidualHook> edits) {
        int b = features.size();
        if (edits != null && edits.size() != b) {
            throw new IllegalArgumentException(b + " feature rows but " + edits.size() + " edits");
        }
        try (NDManager sm = manager.newSubManager()) {
            NDArray[] in = batch(sm, prompt, features, featureDim);
            NDArray embeds = embeddings(projector, in[0], in[1], prompt.imageStart());
            ResidualHook hook = edits == null ? null : ResidualHook.perRow(edits, prompt.promptLength());
            return lm.generateGreedyBatch(embeds, maxNewTokens, stopIds, hook);
        }
    }

    /**
     * The forward pass of one {@code prompt} for several images' features (row r: {@code features[r]}, N ×
     * {@code featureDim} floats), capturing the {@code capture} blocks; no logits, no edit. Arrays live in
     * {@code manager}.
     */
    public Pass forward(NDManager manager, Projector projector, VisualPrompt prompt, List<float[]> features,
                        int featureDim, Set<Integer> capture) {
        NDArray[] in = batch(manager, prompt, features, featureDim);
        return forward(projector, in[0], in[1], prompt.imageStart(), null, capture, false, null);
    }

    /** The prompt's ids repeated per row {@code [B, T]} and the rows' features {@code [B, N, F]}. */
    private static NDArray[] batch(NDManager m, VisualPrompt prompt, List<float[]> features, int featureDim) {
        int b = features.size();
        long[] ids = prompt.promptIds();
        long[] allIds = new long[b * ids.length];
        float[] allFeats = new float[b * prompt.imageTokens() * featureDim];
        for (int r = 0; r < b; r++) {
            System.arraycopy(ids, 0, allIds, r * ids.length, ids.length);
            float[] f = features.get(r);
            if (f.length != prompt.imageTokens() * featureDim) {
                throw new IllegalArgumentException("feature row " + r + " has " + f.length + " floats, expected "
                        + prompt.imageTokens() + " x " + featureDim);
            }
            System.arraycopy(f, 0, allFeats, r * f.length, f.length);
        }
        return new NDArray[] {NdArrays.ownedLongs(m, allIds, new Shape(b, ids.length)),
            NdArrays.owned(m, allFeats, new Shape(b, prompt.imageTokens(), featureDim))};
    }

    /** {@code [B, N, D]}: a residual stream {@code [B, T, D]} at the image positions. */
    public static NDArray imagePositions(NDArray resid, int imageStart, int imageTokens) {
        return resid.get(new NDIndex(":, {}:{}", imageStart, imageStart + imageTokens));
    }
}
