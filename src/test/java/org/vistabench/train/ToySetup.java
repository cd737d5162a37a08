package org.vistabench.train;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.vistabench.data.feature.InMemoryFeatures;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.sae.Sae;

/**
 * A deterministic miniature of the real setup: images with 1-2 of {@code K} objects, features that encode which
 * object is where (plus noise), answers that name the objects, a {@link ToyLm} and random SAEs at every layer.
 */
final class ToySetup implements AutoCloseable {
    static final int VOCAB = 24;
    static final int OBJECTS = 6;
    static final int EOT = 1;
    final NDManager manager;
    final ToyLm lm;
    final VisualPrompt prompt;
    final InMemoryFeatures features;
    final List<TrainExample> examples = new ArrayList<>();
    final SortedMap<Integer, Sae> saes = new TreeMap<>();
    final int tokens;
    final int featDim;

    ToySetup(NDManager parent, long seed, int images, int tokens, int featDim, int dim, int layers) {
        this.manager = parent.newSubManager();
        this.tokens = tokens;
        this.featDim = featDim;
        lm = new ToyLm(manager, VOCAB, dim, layers, seed);
        prompt = new VisualPrompt(new long[] {2, 3}, tokens, new long[] {4, 5, 6}, 0);
        SplittableRandom r = new SplittableRandom(seed + 1);
        float[][] proto = new float[OBJECTS][featDim];
        for (float[] p : proto) {
            for (int i = 0; i < featDim; i++) {
                p[i] = (float) r.nextGaussian();
            }
        }
        long[] ids = new long[images];
        List<float[]> rows = new ArrayList<>();
        for (int n = 0; n < images; n++) {
            ids[n] = 1000 + n;
            int a = r.nextInt(OBJECTS);
            int b = r.nextInt(3) == 0 ? -1 : (a + 1 + r.nextInt(OBJECTS - 1)) % OBJECTS;
            float[] f = new float[tokens * featDim];
            for (int t = 0; t < tokens; t++) {
                int obj = t < tokens / 2 || b < 0 ? a : b;
                for (int i = 0; i < featDim; i++) {
                    f[t * featDim + i] = proto[obj][i] + 0.3f * (float) r.nextGaussian();
                }
            }
            rows.add(f);
            int lo = b < 0 ? a : Math.min(a, b);
            int hi = b < 0 ? -1 : Math.max(a, b);
            long[] ans = hi < 0 ? new long[] {10 + lo, EOT} : new long[] {10 + lo, 7, 10 + hi, EOT};
            examples.add(new TrainExample(n, ans));
        }
        features = new InMemoryFeatures(ids, rows, tokens, featDim);
        for (int l = 0; l < layers; l++) {
            saes.put(l, Sae.random(manager, dim, 4 * dim, seed + 10 + l, new float[] {1f}, null, new float[] {0.05f}));
        }
    }

    TrainConfig config(int steps, double lambda) {
        return new TrainConfig(steps, 8, 1e-2, 2, lambda, ProjectorKind.MLP2X_GELU, "fp32", 0, 1.0, 0.0, 17,
                0.9, 0.999, 1e-8);
    }

    SortedMap<Integer, SaeConstraint> constraints(int... layers) {
        SortedMap<Integer, SaeConstraint> c = new TreeMap<>();
        for (int l : layers) {
            c.put(l, new SaeConstraint(l, saes.get(l), 1.0 * lm.hiddenSize()));
        }
        return c;
    }

    @Override
    public void close() {
        manager.close();
    }
}
