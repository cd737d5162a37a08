package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What HF's vision models return with {@code output_hidden_states=True}.
 *
 * @param hiddenStates    HF layout: 0 = embeddings output, i = after layer i
 * @param lastHiddenState DINOv2 / I-JEPA: after the final layernorm; CLIP: the last layer's output (HF applies
 *                        {@code post_layernorm} only to the pooled CLS token)
 * @param poolerOutput    DINOv2: normed CLS; CLIP: {@code post_layernorm(CLS)}; I-JEPA: null (HF's IJepaModel has no
 *                        pooler by default)
 */
public record VisionOutput(List<NDArray> hiddenStates, NDArray lastHiddenState, NDArray poolerOutput) {
}
