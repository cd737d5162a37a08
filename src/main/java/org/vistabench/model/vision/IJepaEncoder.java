package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.vistabench.tensor.Checkpoint;

/**
 * HF {@code IJepaModel}: patches + positions, no CLS token, ViT pre-norm blocks, final layernorm; no pooler (HF builds
 * the model with {@code add_pooling_layer=False}). Other image sizes run as with {@code interpolate_pos_encoding=True}.
 */
final class IJepaEncoder extends VitEncoder {
    private final NDArray positions;  // [1, N, D]
    private final float[] patchPos;
    private final int numPositions;
    private final NDArray lnW;
    private final NDArray lnB;

    IJepaEncoder(VisionConfig cfg, Checkpoint ck, String prefix, NDManager parent) {
        super(cfg, ck, prefix, parent, "embeddings.patch_embeddings.projection.weight",
                "embeddings.patch_embeddings.projection.bias");
        checkActivation();
        int d = cfg.hiddenSize();
        int n = cfg.gridSize() * cfg.gridSize();
        try {
            positions = req("embeddings.position_embeddings", 1, n, d);
            patchPos = positions.toFloatArray();
            numPositions = n;
            lnW = req("layernorm.weight", d);
            lnB = req("layernorm.bias", d);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
        int f = cfg.intermediateSize();
        loadBlocks(i -> {
            String p = "encoder.layer." + i + ".";
            String a = p + "attention.attention.";
            NDArray qkvB = cfg.qkvBias()
                    ? stack(req(a + "query.bias", d), req(a + "key.bias", d), req(a + "value.bias", d)) : null;
            return new Block(req(p + "layernorm_before.weight", d), req(p + "layernorm_before.bias", d),
                    stack(req(a + "query.weight", d, d), req(a + "key.weight", d, d), req(a + "value.weight", d, d)),
                    qkvB, req(p + "attention.output.dense.weight", d, d), req(p + "attention.output.dense.bias", d),
                    null, req(p + "layernorm_after.weight", d), req(p + "layernorm_after.bias", d),
                    req(p + "intermediate.dense.weight", f, d), req(p + "intermediate.dense.bias", f),
                    req(p + "output.dense.weight", d, f), req(p + "output.dense.bias", d), null);
        });
    }

    @Override
    protected NDArray embed(NDArray patches, int height, int width) {
        int np = (int) patches.getShape().get(1);
        NDArray pos = storedTableFits(np, numPositions, height, width) ? positions
                : interpolatedPositions(null, patchPos, numPositions, height, width);
        return patches.add(pos);
    }

    @Override
    protected NDArray finish(NDArray last) {
        return layerNorm(last, lnW, lnB);
    }

    @Override
    protected NDArray pool(NDArray lastHiddenState) {
        return null;
    }
}
