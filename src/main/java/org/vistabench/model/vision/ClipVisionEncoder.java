package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.vistabench.tensor.Checkpoint;

/**
 * HF {@code CLIPVisionModel}: class embedding + patches (conv without bias) + positions, then {@code pre_layrnorm}
 * (so hidden_states[0] is already normed), plain pre-norm blocks, no final norm on the sequence;
 * pooler = {@code post_layernorm(CLS)}. Other image sizes are run as HF does with
 * {@code interpolate_pos_encoding=True}.
 */
final class ClipVisionEncoder extends VitEncoder {
    private final NDArray cls;        // [D]
    private final NDArray positions;  // [1, 1 + N, D]
    private final float[] clsPos;
    private final float[] patchPos;
    private final int numPositions;
    private final NDArray preW;
    private final NDArray preB;
    private final NDArray postW;
    private final NDArray postB;

    ClipVisionEncoder(VisionConfig cfg, Checkpoint ck, String prefix, NDManager parent) {
        super(cfg, ck, prefix, parent, "embeddings.patch_embedding.weight", null);
        checkActivation();
        int d = cfg.hiddenSize();
        int n = cfg.gridSize() * cfg.gridSize();
        try {
            cls = req("embeddings.class_embedding", d);
            NDArray table = req("embeddings.position_embedding.weight", n + 1, d);
            positions = table.reshape(1, n + 1, d);
            positions.attach(weights);
            float[] all = table.toFloatArray();
            clsPos = Arrays.copyOfRange(all, 0, d);
            patchPos = Arrays.copyOfRange(all, d, all.length);
            numPositions = n;
            preW = req("pre_layrnorm.weight", d);
            preB = req("pre_layrnorm.bias", d);
            postW = req("post_layernorm.weight", d);
            postB = req("post_layernorm.bias", d);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
        int f = cfg.intermediateSize();
        loadBlocks(i -> {
            String p = "encoder.layers." + i + ".";
            String a = p + "self_attn.";
            return new Block(req(p + "layer_norm1.weight", d), req(p + "layer_norm1.bias", d),
                    stack(req(a + "q_proj.weight", d, d), req(a + "k_proj.weight", d, d), req(a + "v_proj.weight", d, d)),
                    stack(req(a + "q_proj.bias", d), req(a + "k_proj.bias", d), req(a + "v_proj.bias", d)),
                    req(a + "out_proj.weight", d, d), req(a + "out_proj.bias", d), null,
                    req(p + "layer_norm2.weight", d), req(p + "layer_norm2.bias", d),
                    req(p + "mlp.fc1.weight", f, d), req(p + "mlp.fc1.bias", f),
                    req(p + "mlp.fc2.weight", d, f), req(p + "mlp.fc2.bias", d), null);
        });
    }

    @Override
    protected NDArray embed(NDArray patches, int height, int width) {
        long b = patches.getShape().get(0);
        int np = (int) patches.getShape().get(1);
        NDArray clsB = patches.getManager().zeros(new Shape(b, 1, cfg.hiddenSize())).add(cls);
        NDArray x = NDArrays.concat(new NDList(clsB, patches), 1);
        NDArray pos = storedTableFits(np, numPositions, height, width) ? positions
                : interpolatedPositions(clsPos, patchPos, numPositions, height, width);
        return layerNorm(x.add(pos), preW, preB);
    }

    @Override
    protected NDArray finish(NDArray last) {
        return last;
    }

    @Override
    protected NDArray pool(NDArray lastHiddenState) {
        return layerNorm(lastHiddenState.get(new NDIndex(":, 0, :")), postW, postB);
    }
}
