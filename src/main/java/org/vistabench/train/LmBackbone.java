package org.vistabench.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Set;

/**
 * The frozen language model as projector training sees it: token embeddings and one masked forward pass from
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

    /** @param logits {@code [B,T,V]} or null; residuals: block → {@code [B,T,D]} */
    record Pass(NDArray logits, Map<Integer, NDArray> residuals) {
    }
}
