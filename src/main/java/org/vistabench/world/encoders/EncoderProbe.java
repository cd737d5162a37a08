package org.vistabench.world.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.vistabench.model.vision.ImageProcessor;
import org.vistabench.model.vision.VisionEncoder;
import org.vistabench.tensor.NdArrays;

/**
 * How local an encoder's patch tokens are, measured: a multinomial logistic regression (features standardised on the
 * training patches, full-batch Adam, L2 1e-4, closed-form gradients, so no autograd and no randomness) predicts each
 * patch's object category (background its own class) from the patch tokens of one hidden state, and is scored on
 * patches of held-out images.
 */
public final class EncoderProbe {
    /**
     * @param patchAcc         accuracy over all held-out patches
     * @param objectAcc        accuracy over held-out patches that belong to an object
     * @param majorityBaseline accuracy of always answering the training patches' most common class
     * @param featureStd       mean per-dimension standard deviation of the raw training features (0 = collapsed)
     */
    public record Result(double patchAcc, double objectAcc, double majorityBaseline, double featureStd,
                         int trainPatches, int testPatches) {
    }

    private static final int ITERATIONS = 200;
    private static final float LR = 0.05f;
    private static final float L2 = 1e-4f;

    private EncoderProbe() {
    }

    /**
     * Fits on {@code trainImages} and scores on {@code testImages}. Images are CHW in [0, 1] at the model's size,
     * normalised with {@code processor}; labels are per patch in raster order, -1 = background.
     *
     * @param layer HF hidden-state index (-1 = last block's output, -2 = LLaVA's choice)
     */
    public static Result run(VisionEncoder encoder, int layer, ImageProcessor processor, List<float[]> trainImages,
                             List<int[]> trainLabels, List<float[]> testImages, List<int[]> testLabels,
                             int numCategories, NDManager manager) {
        float[] xTrain = features(encoder, layer, processor, trainImages, manager);
        float[] xTest = features(encoder, layer, processor, testImages, manager);
        return run(xTrain, trainLabels, xTest, testLabels, encoder.config().hiddenSize(), numCategories, manager);
    }

    /**
     * As {@link #run(VisionEncoder, int, ImageProcessor, List, List, List, List, int, NDManager)} on features already
     * taken by {@link #features} ({@code [patches * d]}, not modified), so that one extraction serves several label
     * sets.
     */
    static Result run(float[] xTrain, List<int[]> trainLabels, float[] xTest, List<int[]> testLabels, int d,
                      int numCategories, NDManager manager) {
        return fit(xTrain, flatten(trainLabels, xTrain.length / d), xTest, flatten(testLabels, xTest.length / d), d,
                numCategories + 1, manager);
    }

    /**
     * The probe on given features ({@code [rows * d]}) and labels (0 = background, 1.. = categories): fits on the
     * training rows, scores the test rows.
     */
    static Result fit(float[] xTrain, int[] yTrain, float[] xTest, int[] yTest, int d, int classes,
                      NDManager manager) {
        return fitPredict(xTrain, yTrain, xTest, yTest, d, classes, manager).result();
    }

    /** The probe's scores and its class for every test row (0 = background, 1.. = categories). */
    public record Fit(Result result, long[] testPredictions) {
    }

    /** As {@link #fit}, keeping the test rows' predicted classes (for diagnostics that feed them onwards). */
    public static Fit fitPredict(float[] xTrain, int[] yTrain, float[] xTest, int[] yTest, int d, int classes,
                                 NDManager manager) {
        xTrain = xTrain.clone();
        xTest = xTest.clone();
        int nTrain = xTrain.length / d;
        int nTest = xTest.length / d;
        try (NDManager m = manager.newSubManager()) {
            // standardise with training statistics
            double[] mu = new double[d];
            double[] sd = new double[d];
            for (int i = 0; i < nTrain; i++) {
                for (int j = 0; j < d; j++) {
                    mu[j] += xTrain[i * d + j];
                }
            }
            for (int j = 0; j < d; j++) {
                mu[j] /= nTrain;
            }
            for (int i = 0; i < nTrain; i++) {
                for (int j = 0; j < d; j++) {
                    double z = xTrain[i * d + j] - mu[j];
                    sd[j] += z * z;
                }
            }
            double meanStd = 0;
            for (int j = 0; j < d; j++) {
                sd[j] = Math.sqrt(sd[j] / nTrain);
                meanStd += sd[j] / d;
            }
            standardise(xTrain, mu, sd, d);
            standardise(xTest, mu, sd, d);
            NDArray x = NdArrays.owned(m, xTrain, new Shape(nTrain, d));
            float[] oh = new float[nTrain * classes];
            int[] counts = new int[classes];
            for (int i = 0; i < nTrain; i++) {
                oh[i * classes + yTrain[i]] = 1f;
                counts[yTrain[i]]++;
            }
            NDArray y = NdArrays.owned(m, oh, new Shape(nTrain, classes));
            NDArray w = m.zeros(new Shape(d, classes));
            NDArray b = m.zeros(new Shape(classes));
            NDArray mw = m.zeros(w.getShape());
            NDArray vw = m.zeros(w.getShape());
            NDArray mb = m.zeros(b.getShape());
            NDArray vb = m.zeros(b.getShape());
            NDArray xt = x.transpose().duplicate();
            for (int it = 1; it <= ITERATIONS; it++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray e = x.matMul(w);
                    e.attach(s);
                    e = e.addi(b).softmax(-1).subi(y);
                    NDArray gw = xt.matMul(e);
                    gw.attach(s);
                    NDArray l2 = w.mul(L2);
                    l2.attach(s);
                    gw.divi(nTrain).addi(l2);
                    NDArray gb = e.mean(new int[] {0});
                    adam(w, gw, mw, vw, it, s);
                    adam(b, gb, mb, vb, it, s);
                }
            }
            int majority = 0;
            for (int c = 1; c < classes; c++) {
                if (counts[c] > counts[majority]) {
                    majority = c;
                }
            }
            NDArray xs = NdArrays.owned(m, xTest, new Shape(nTest, d));
            long[] pred = xs.matMul(w).add(b).argMax(-1).toLongArray();
            int right = 0;
            int objects = 0;
            int objectRight = 0;
            int majorityRight = 0;
            for (int i = 0; i < nTest; i++) {
                boolean ok = pred[i] == yTest[i];
                right += ok ? 1 : 0;
                majorityRight += yTest[i] == majority ? 1 : 0;
                if (yTest[i] != 0) {
                    objects++;
                    objectRight += ok ? 1 : 0;
                }
            }
            return new Fit(new Result(right / (double) nTest,
                    objects == 0 ? Double.NaN : objectRight / (double) objects, majorityRight / (double) nTest, meanStd,
                    nTrain, nTest), pred);
        }
    }

    /** One Adam step in place; every temporary lands in {@code s} ({@code g} already lives there). */
    private static void adam(NDArray p, NDArray g, NDArray m, NDArray v, int t, NDManager s) {
        m.muli(0.9f).addi(g.mul(0.1f));
        v.muli(0.999f).addi(g.square().muli(0.001f));
        NDArray mh = m.div((float) (1 - Math.pow(0.9, t)));
        mh.attach(s);
        NDArray vh = v.div((float) (1 - Math.pow(0.999, t)));
        vh.attach(s);
        p.subi(mh.divi(vh.sqrt().addi(1e-8f)).muli(LR));
    }

    /** Patch tokens of hidden state {@code layer}, {@code [images * patches * hidden]} in raster order. */
    static float[] features(VisionEncoder encoder, int layer, ImageProcessor processor, List<float[]> images,
                            NDManager manager) {
        int size = encoder.config().imageSize();
        int per = 3 * size * size;
        int d = encoder.config().hiddenSize();
        int n = encoder.numPatches(size, size);
        float[] out = new float[images.size() * n * d];
        int batch = 32;
        for (int start = 0; start < images.size(); start += batch) {
            int b = Math.min(batch, images.size() - start);
            float[] px = new float[b * per];
            for (int i = 0; i < b; i++) {
                System.arraycopy(processor.fromPixels(images.get(start + i), size, size), 0, px, i * per, per);
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray x = NdArrays.owned(m, px, new Shape(b, 3, size, size));
                NDArray h = VisionEncoder.patchTokens(encoder.hiddenState(x, layer), encoder.hasCls());
                float[] f = NdArrays.toFloats(h.duplicate());
                System.arraycopy(f, 0, out, start * n * d, f.length);
            }
        }
        return out;
    }

    private static void standardise(float[] x, double[] mu, double[] sd, int d) {
        for (int i = 0; i < x.length; i++) {
            int j = i % d;
            x[i] = (float) ((x[i] - mu[j]) / Math.max(sd[j], 1e-6));
        }
    }

    private static int[] flatten(List<int[]> labels, int total) {
        int[] out = new int[total];
        int k = 0;
        for (int[] l : labels) {
            for (int v : l) {
                out[k++] = v + 1;
            }
        }
        if (k != total) {
            throw new IllegalArgumentException("labels cover " + k + " patches, features " + total);
        }
        return out;
    }
}
