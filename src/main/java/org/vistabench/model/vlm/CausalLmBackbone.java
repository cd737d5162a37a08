package org.vistabench.model.vlm;

import ai.djl.ndarray.NDArray;
import java.util.Set;
import org.vistabench.model.lm.CausalLm;
import org.vistabench.model.lm.ForwardOptions;
import org.vistabench.model.lm.LmOutput;
import org.vistabench.model.lm.ResidualHook;

/** {@link LmBackbone} over a {@code model.lm.CausalLm} (Gemma-2, Llama-3). */
public record CausalLmBackbone(CausalLm lm) implements LmBackbone {
    @Override
    public int hiddenSize() {
        return lm.config().hiddenSize();
    }

    @Override
    public int numLayers() {
        return lm.config().numLayers();
    }

    @Override
    public NDArray embed(NDArray inputIds) {
        return lm.embed(inputIds);
    }

    @Override
    public Pass forward(NDArray inputsEmbeds, NDArray attentionMask, Set<Integer> capture, boolean logits) {
        return forward(inputsEmbeds, attentionMask, capture, logits, null);
    }

    @Override
    public Pass forward(NDArray inputsEmbeds, NDArray attentionMask, Set<Integer> capture, boolean logits,
                        ResidualHook edit) {
        LmOutput out = lm.forward(inputsEmbeds, new ForwardOptions(attentionMask, false, capture, edit, null, logits));
        return new Pass(out.logits(), out.residuals());
    }

    @Override
    public long[][] generateGreedyBatch(NDArray promptEmbeds, int maxNewTokens, long[] stopIds, ResidualHook edit) {
        return lm.generateGreedyBatch(promptEmbeds, maxNewTokens, stopIds, edit);
    }
}
