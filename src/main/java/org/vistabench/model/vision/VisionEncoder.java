package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/**
 * A frozen ViT-style image encoder (DINOv2, CLIP vision tower, I-JEPA) computing what HF transformers computes.
 * Every returned array belongs to the manager of the {@code pixelValues} passed in; intermediates are freed before
 * the call returns. Inputs are {@code [B, C, H, W]} float32, already preprocessed ({@link ImageProcessor}).
 */
public interface VisionEncoder extends AutoCloseable {
    VisionConfig config();

    /**
     * All hidden states in HF layout: index 0 is the embeddings output (CLIP: after {@code pre_layrnorm}), index i the
     * output of layer i, {@code numLayers + 1} entries, each {@code [B, tokens, hidden]}. No final layernorm.
     */
    List<NDArray> hiddenStates(NDArray pixelValues);

    /**
     * One hidden state by HF index ({@code -1} = last, {@code -2} = LLaVA's choice), running only the layers needed.
     */
    NDArray hiddenState(NDArray pixelValues, int index);

    /** Hidden states, last hidden state (after the family's final layernorm) and pooler output as HF returns them. */
    VisionOutput forward(NDArray pixelValues);

    /** Patch tokens (without CLS) for an input of {@code h × w} pixels. */
    default int numPatches(int h, int w) {
        int p = config().patchSize();
        return (h / p) * (w / p);
    }

    /** Whether token 0 of every hidden state is a CLS token. */
    default boolean hasCls() {
        return config().hasCls();
    }

    /** {@code hidden[:, 1:]} when the family has a CLS token, else {@code hidden} itself (same array). */
    static NDArray patchTokens(NDArray hidden, boolean hasCls) {
        return hasCls ? hidden.get(new NDIndex(":, 1:")) : hidden;
    }

    @Override
    void close();
}
