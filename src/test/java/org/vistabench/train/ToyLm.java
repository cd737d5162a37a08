package org.vistabench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.vistabench.model.vlm.LmBackbone;
import org.vistabench.tensor.NdArrays;

/**
 * A tiny causal LM for tests: one-hot embedding, {@code layers} blocks of {@code x + tanh(causalMean(x)·W + b)}
 * (a masked causal average stands in for attention), linear head. Frozen weights, deterministic in the seed.
 */
final class ToyLm implements LmBackbone, AutoCloseable {
    private final NDManager manager;
    private final int vocab;
    private final int dim;
    private final int layers;
    private final NDArray table;
    private final NDArray[] w;
    private final NDArray[] b;
    private final NDArray head;

    ToyLm(NDManager parent, int vocab, int dim, int layers, long seed) {
        this.manager = parent.newSubManager();
        this.vocab = vocab;
        this.dim = dim;
        this.layers = layers;
        SplittableRandom r = new SplittableRandom(seed);
        table = rand(r, new Shape(vocab, dim), 1.0);
        w = new NDArray[layers];
        b = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = rand(r, new Shape(dim, dim), 1.0 / Math.sqrt(dim));
            b[l] = rand(r, new Shape(dim), 0.1);
        }
        head = rand(r, new Shape(dim, vocab), 1.0 / Math.sqrt(dim));
    }

    private NDArray rand(SplittableRandom r, Shape s, double scale) {
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * scale * Math.sqrt(3));
        }
        return NdArrays.owned(manager, v, s);
    }

    @Override
    public int hiddenSize() {
        return dim;
    }

    @Override
    public int numLayers() {
        return layers;
    }

    @Override
    public NDArray embed(NDArray ids) {
        return ids.oneHot(vocab).toType(DataType.FLOAT32, false).matMul(table);
    }

    @Override
    public Pass forward(NDArray x, NDArray mask, Set<Integer> capture, boolean logits) {
        long t = x.getShape().get(1);
        NDManager m = x.getManager();
        float[] tri = new float[(int) (t * t)];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                tri[(int) (i * t + j)] = 1f;
            }
        }
        NDArray causal = NdArrays.owned(m, tri, new Shape(t, t));
        NDArray a = mask == null ? causal.expandDims(0) : causal.expandDims(0).mul(mask.expandDims(1));
        a = a.div(a.sum(new int[] {2}, true).maximum(1f));
        Map<Integer, NDArray> res = new TreeMap<>();
        NDArray h = x;
        for (int l = 0; l < layers; l++) {
            h = h.add(a.matMul(h).matMul(w[l]).add(b[l]).tanh());
            if (capture.contains(l)) {
                res.put(l, h);
            }
        }
        return new Pass(logits ? h.matMul(head) : null, res);
    }

    @Override
    public void close() {
        manager.close();
    }
}
