package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/**
 * What one forward pass returns.
 *
 * @param logits       [B,T,V] after the final soft-cap (Gemma-2); null when {@link ForwardOptions#logits()} is false
 * @param hiddenStates HF layout when asked for: [0] = input embeddings (Gemma-2: scaled), [i] = output of block i-1
 *                     (after the hook), last = after the final norm; empty otherwise
 * @param residuals    block index (0-based) → that block's output ("resid_post", before the hook edits it), for
 *                     {@link ForwardOptions#captureLayers()}
 * @param finalHidden  [B,T,D] after the final norm (what the LM head reads); null when the pass stopped early. With
 *                     {@link ForwardOptions#withoutLogits()} a caller can pick positions and apply
 *                     {@link CausalLm#head} only there (a 256k vocabulary makes full logits expensive)
 */
public record LmOutput(NDArray logits, List<NDArray> hiddenStates, Map<Integer, NDArray> residuals,
                       NDArray finalHidden) {
    public LmOutput {
        hiddenStates = List.copyOf(hiddenStates);
        residuals = Map.copyOf(residuals);
    }
}
