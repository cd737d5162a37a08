package org.vistabench.model.vlm;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Set;
import org.vistabench.model.lm.ResidualHook;

/**
 * The frozen language model as the VLM path drives it: token embeddings and one masked forward pass from
 * embeddings that returns logits and the residual stream at chosen blocks. {@link CausalLmBackbone} adapts
 * {@code model.lm.CausalLm}; tests use small synthetic models. Weights never require gradients; the pass is
 * differentiable w.r.t. {@code inputsEmbeds}.
 */
public interface LmBackbone {
    /** Residual width (d_model). */
    int hiddenSize();

    int numLayers();

    /** Token embeddings {@code [B,T,D]} of ids {@code [B,T]} (I64), scaled as the model scales them. */
    NDArray embed(NDArray inputIds);

    /**
     * @param attentionMask {@code [B,T]}, 1 = real token, 0 = padding; null = none
     * @param capture block indices whose outputs ({@code resid_post}) to return
     * @param logits whether to compute the LM head (false: the pass may stop after the last captured block)
     */
    Pass forward(NDArray inputsEmbeds, NDArray attentionMask, Set<Integer> capture, boolean logits);

    /**
     * As {@link #forward(NDArray, NDArray, Set, boolean)}, with {@code edit} applied to block outputs (null: none).
     * Backbones that cannot edit their residual stream refuse a non-null edit.
     */
    default Pass forward(NDArray inputsEmbeds, NDArray attentionMask, Set<Integer> capture, boolean logits,
                         ResidualHook edit) {
        if (edit != null) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot edit its residual stream");
        }
        return forward(inputsEmbeds, attentionMask, capture, logits);
    }

    /**
     * Greedy decoding of B prompts of one length at once from {@code promptEmbeds} {@code [B,T,D]}; per row, what
     * a batch of one gives for that row (but for the rounding of batched kernels). {@code edit} sees
     * the whole batch. Backbones without a decoder loop refuse.
     */
    default long[][] generateGreedyBatch(NDArray promptEmbeds, int maxNewTokens, long[] stopIds, ResidualHook edit) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot generate");
    }

    /** @param logits {@code [B,T,V]} or null; residuals: block → {@code [B,T,D]} */
    record Pass(NDArray logits, Map<Integer, NDArray> residuals) {
    }
}
