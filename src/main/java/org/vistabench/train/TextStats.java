package org.vistabench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.vlm.LmBackbone;
import org.vistabench.tensor.NdArrays;

/**
 * Residual-stream statistics of text tokens, measured once per LM with no projector (text-only prompts, BOS and
 * padding excluded): the mean squared norm per layer (the SAE term's normaliser, {@link SaeConstraint}), a sample
 * of residual rows (to calibrate a random SAE's thresholds) and the real SAE's mean L0 there (the sparsity the
 * random SAE is matched to).
 *
 * @param sample layer → up to {@code maxRows} residual rows, row-major {@code [n, d]}
 */
public record TextStats(int dModel, SortedMap<Integer, Double> meanSqNorm, SortedMap<Integer, float[]> sample,
                        SortedMap<Integer, Double> saeL0) {

    /**
     * @param sequences token ids of text-only prompts (each starting with BOS)
     * @param saes the LM's SAEs by layer (every layer measured is one of these)
     */
    public static TextStats compute(LmBackbone lm, NDManager manager, List<long[]> sequences, Map<Integer, Sae> saes,
                                    int maxRows, int batch, long padId) {
        JniUtils.setGradMode(false);
        int d = lm.hiddenSize();
        SortedMap<Integer, double[]> acc = new TreeMap<>();
        SortedMap<Integer, List<float[]>> rows = new TreeMap<>();
        saes.keySet().forEach(l -> {
            acc.put(l, new double[3]);
            rows.put(l, new ArrayList<>());
        });
        int taken = 0;
        for (int from = 0; from < sequences.size(); from += batch) {
            List<long[]> chunk = sequences.subList(from, Math.min(sequences.size(), from + batch));
            int t = chunk.stream().mapToInt(s -> s.length).max().orElse(0);
            int b = chunk.size();
            long[] ids = new long[b * t];
            float[] keep = new float[b * t];
            float[] attn = new float[b * t];
            List<int[]> positions = new ArrayList<>();
            for (int r = 0; r < b; r++) {
                long[] s = chunk.get(r);
                for (int j = 0; j < t; j++) {
                    ids[r * t + j] = j < s.length ? s[j] : padId;
                    attn[r * t + j] = j < s.length ? 1f : 0f;
                    keep[r * t + j] = j > 0 && j < s.length ? 1f : 0f;
                    if (j > 0 && j < s.length) {
                        positions.add(new int[] {r, j});
                    }
                }
            }
            try (NDManager sm = manager.newSubManager()) {
                NDArray idArr = NdArrays.ownedLongs(sm, ids, new Shape(b, t));
                NDArray mask = NdArrays.owned(sm, attn, new Shape(b, t));
                NDArray keepArr = NdArrays.owned(sm, keep, new Shape(b, t));
                LmBackbone.Pass pass = lm.forward(lm.embed(idArr), mask, saes.keySet(), false);
                float n = keepArr.sum().getFloat();
                for (Map.Entry<Integer, Sae> e : saes.entrySet()) {
                    NDArray r = pass.residuals().get(e.getKey());
                    if (r.getDataType() != DataType.FLOAT32) {
                        r = r.toType(DataType.FLOAT32, false);
                    }
                    double[] a = acc.get(e.getKey());
                    a[0] += r.square().sum(new int[] {2}).mul(keepArr).sum().getFloat();
                    a[1] += e.getValue().l0(r).mul(keepArr).sum().getFloat();
                    a[2] += n;
                    if (taken < maxRows) {
                        float[] all = r.toFloatArray();
                        List<float[]> out = rows.get(e.getKey());
                        for (int[] p : positions) {
                            if (out.size() >= maxRows) {
                                break;
                            }
                            float[] row = new float[d];
                            System.arraycopy(all, (p[0] * t + p[1]) * d, row, 0, d);
                            out.add(row);
                        }
                    }
                }
                taken = rows.isEmpty() ? maxRows : rows.get(rows.firstKey()).size();
            }
        }
        SortedMap<Integer, Double> norms = new TreeMap<>();
        SortedMap<Integer, Double> l0 = new TreeMap<>();
        SortedMap<Integer, float[]> sample = new TreeMap<>();
        for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
            double[] a = e.getValue();
            norms.put(e.getKey(), a[0] / a[2]);
            l0.put(e.getKey(), a[1] / a[2]);
            List<float[]> rs = rows.get(e.getKey());
            float[] flat = new float[rs.size() * d];
            for (int i = 0; i < rs.size(); i++) {
                System.arraycopy(rs.get(i), 0, flat, i * d, d);
            }
            sample.put(e.getKey(), flat);
        }
        return new TextStats(d, norms, sample, l0);
    }

    /**
     * The {@code random-sae} control for one layer: a random SAE of the real one's shape, decoder-row norms and
     * b_dec ({@link Sae#random}), with per-latent thresholds calibrated so that its mean L0 on this LM's text
     * residuals equals the real SAE's ({@link Sae#calibrateThresholds}).
     */
    public Sae randomControl(int layer, Sae real, long seed, NDManager manager) {
        float[] rows = sample.get(layer);
        if (rows == null || rows.length == 0) {
            throw new IllegalStateException("no text residual sample for layer " + layer);
        }
        try (Sae raw = Sae.random(manager, real.dModel(), real.dSae(), seed, real.decoderRowNorms(),
                real.bDec().toFloatArray(), null); NDManager tmp = manager.newSubManager()) {
            NDArray x = NdArrays.owned(tmp, rows, new Shape(rows.length / dModel, dModel));
            float[] thr = raw.calibrateThresholds(x, saeL0.get(layer));
            return raw.withThresholds(thr);
        }
    }
}
