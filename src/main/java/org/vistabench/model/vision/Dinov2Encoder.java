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
 * HF {@code Dinov2Model}: CLS + patches + position table (bicubically resized whenever the grid differs from the
 * stored one or the image is not square), layer-scale after attention and MLP, final layernorm; pooler = normed CLS.
 */
final class Dinov2Encoder extends VitEncoder {
    private final NDArray cls;        // [1, 1, D]
    private final NDArray positions;  // [1, 1 + N, D]
    private final float[] clsPos;
    private final float[] patchPos;
    private final int numPositions;
    private final NDArray lnW;
    private final NDArray lnB;

    Dinov2Encoder(VisionConfig cfg, Checkpoint ck, String prefix, NDManager parent) {
        super(cfg, ck, prefix, parent, "embeddings.patch_embeddings.projection.weight",
                "embeddings.patch_embeddings.projection.bias");
        checkActivation();
        int d = cfg.hiddenSize();
        int n = cfg.gridSize() * cfg.gridSize();
        try {
            cls = req("embeddings.cls_token", 1, 1, d);
            positions = req("embeddings.position_embeddings", 1, n + 1, d);
            float[] all = positions.toFloatArray();
            clsPos = Arrays.copyOfRange(all, 0, d);
            patchPos = Arrays.copyOfRange(all, d, all.length);
            numPositions = n;
            lnW = req("layernorm.weight", d);
            lnB = req("layernorm.bias", d);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
        int hidden = cfg.swiglu() ? (cfg.intermediateSize() * 2 / 3 + 7) / 8 * 8 : cfg.intermediateSize();
        loadBlocks(i -> {
            String p = "encoder.layer." + i + ".";
            String a = p + "attention.attention.";
            NDArray qkvB = cfg.qkvBias()
                    ? stack(req(a + "query.bias", d), req(a + "key.bias", d), req(a + "value.bias", d)) : null;
            NDArray fc1W;
            NDArray fc1B;
            NDArray fc2W;
            NDArray fc2B;
            if (cfg.swiglu()) {
                fc1W = req(p + "mlp.weights_in.weight", 2L * hidden, d);
                fc1B = req(p + "mlp.weights_in.bias", 2L * hidden);
                fc2W = req(p + "mlp.weights_out.weight", d, hidden);
                fc2B = req(p + "mlp.weights_out.bias", d);
            } else {
                fc1W = req(p + "mlp.fc1.weight", hidden, d);
                fc1B = req(p + "mlp.fc1.bias", hidden);
                fc2W = req(p + "mlp.fc2.weight", d, hidden);
                fc2B = req(p + "mlp.fc2.bias", d);
            }
            return new Block(req(p + "norm1.weight", d), req(p + "norm1.bias", d),
                    stack(req(a + "query.weight", d, d), req(a + "key.weight", d, d), req(a + "value.weight", d, d)),
                    qkvB, req(p + "attention.output.dense.weight", d, d), req(p + "attention.output.dense.bias", d),
                    req(p + "layer_scale1.lambda1", d), req(p + "norm2.weight", d), req(p + "norm2.bias", d),
                    fc1W, fc1B, fc2W, fc2B, req(p + "layer_scale2.lambda1", d));
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
        return x.add(pos);
    }

    @Override
    protected NDArray finish(NDArray last) {
        return layerNorm(last, lnW, lnB);
    }

    @Override
    protected NDArray pool(NDArray lastHiddenState) {
        return lastHiddenState.get(new NDIndex(":, 0, :"));
    }
}
