package org.vistabench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.data.feature.FeatureSource;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.vlm.LmBackbone;

/**
 * Held-out measurements of a projector, without gradients: answer CE and, for every layer that has an SAE, the SAE's
 * reconstruction MSE (mean over d_model, as {@link Sae#reconMse}) and L0 at the image positions and at the text
 * positions of the same sequences (BOS and padding excluded).
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * @param ce answer-token CE (mean over tokens)
     * @param imageReconMse layer → mean SAE reconstruction MSE over image positions
     * @param textReconMse  layer → the same over text positions
     * @param imageL0 layer → mean number of active latents at image positions
     * @param textL0  layer → the same at text positions
     * @param imageReconRel layer → image-position reconstruction MSE divided by the image positions' mean squared
     *     residual (fraction of the residual's energy the SAE fails to reconstruct). Unlike the absolute MSE it does
     *     not fall just because a projector shrinks its tokens' norm, which any regulariser can do.
     */
    public record Report(double ce, SortedMap<Integer, Double> imageReconMse, SortedMap<Integer, Double> textReconMse,
                         SortedMap<Integer, Double> imageL0, SortedMap<Integer, Double> textL0,
                         SortedMap<Integer, Double> imageReconRel) {
    }

    public static double meanCe(VistaObjective objective, Projector projector, VisualPrompt prompt,
                                FeatureSource features, List<TrainExample> examples, int batch) {
        JniUtils.setGradMode(false);
        double sum = 0;
        long n = 0;
        for (int from = 0; from < examples.size(); from += batch) {
            int[] picks = range(from, Math.min(examples.size(), from + batch));
            try (NDManager sm = projector.parameters().values().iterator().next().getManager().newSubManager()) {
                Batch b = Batch.build(sm, prompt, features, examples, picks);
                VistaObjective.Parts parts = objective.loss(projector, b);
                sum += parts.ce().getFloat() * (double) b.answerTokens();
                n += b.answerTokens();
            }
        }
        return sum / n;
    }

    public static Report evaluate(LmBackbone lm, Projector projector, VisualPrompt prompt, FeatureSource features,
                                  List<TrainExample> examples, Map<Integer, Sae> saes, int batch) {
        JniUtils.setGradMode(false);
        VistaObjective obj = new VistaObjective(lm, Collections.emptySortedMap(), 0, null);
        double ceSum = 0;
        long ceN = 0;
        SortedMap<Integer, double[]> acc = new TreeMap<>();
        saes.keySet().forEach(l -> acc.put(l, new double[5]));
        double imgN = 0;
        double txtN = 0;
        for (int from = 0; from < examples.size(); from += batch) {
            int[] picks = range(from, Math.min(examples.size(), from + batch));
            try (NDManager sm = projector.parameters().values().iterator().next().getManager().newSubManager()) {
                Batch b = Batch.build(sm, prompt, features, examples, picks);
                NDArray embeds = obj.embeddings(projector, b);
                LmBackbone.Pass pass = lm.forward(embeds, b.mask(), saes.keySet(), true);
                ceSum += VistaObjective.answerCe(pass.logits(), b).getFloat() * (double) b.answerTokens();
                ceN += b.answerTokens();
                NDArray imgMask = sm.zeros(b.mask().getShape());
                imgMask.set(new NDIndex(":, {}:{}", b.imageStart(), b.imageStart() + b.imageTokens()), 1f);
                NDArray txtMask = b.mask().sub(imgMask);
                txtMask.set(new NDIndex(":, 0"), 0f);
                imgN += imgMask.sum().getFloat();
                txtN += txtMask.sum().getFloat();
                for (Map.Entry<Integer, Sae> e : saes.entrySet()) {
                    NDArray r = pass.residuals().get(e.getKey());
                    if (r.getDataType() != DataType.FLOAT32) {
                        r = r.toType(DataType.FLOAT32, false);
                    }
                    NDArray mse = e.getValue().reconMse(r);
                    NDArray l0 = e.getValue().l0(r);
                    double[] a = acc.get(e.getKey());
                    a[0] += mse.mul(imgMask).sum().getFloat();
                    a[1] += mse.mul(txtMask).sum().getFloat();
                    a[2] += l0.mul(imgMask).sum().getFloat();
                    a[3] += l0.mul(txtMask).sum().getFloat();
                    a[4] += r.square().mean(new int[] {r.getShape().dimension() - 1}).mul(imgMask).sum().getFloat();
                }
            }
        }
        SortedMap<Integer, Double> im = new TreeMap<>();
        SortedMap<Integer, Double> tm = new TreeMap<>();
        SortedMap<Integer, Double> il = new TreeMap<>();
        SortedMap<Integer, Double> tl = new TreeMap<>();
        SortedMap<Integer, Double> ir = new TreeMap<>();
        for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
            double[] a = e.getValue();
            im.put(e.getKey(), a[0] / imgN);
            tm.put(e.getKey(), txtN > 0 ? a[1] / txtN : Double.NaN);
            il.put(e.getKey(), a[2] / imgN);
            tl.put(e.getKey(), txtN > 0 ? a[3] / txtN : Double.NaN);
            ir.put(e.getKey(), a[4] > 0 ? a[0] / a[4] : Double.NaN);
        }
        return new Report(ceSum / ceN, im, tm, il, tl, ir);
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
