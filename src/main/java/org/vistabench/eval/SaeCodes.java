package org.vistabench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.Resources;
import org.vistabench.cell.TrainedCell;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.vlm.Vlm;
import org.vistabench.train.Batch;
import org.vistabench.train.TrainExample;

/**
 * The text SAEs' view of one cell's held-out images, computed in one pass and shared by {@code match_rate},
 * {@code localization} and {@code recon} (through the cell's artefacts): for the test split's first
 * {@code eval_images} images, the sequence {@code prompt + reference answer} is run through the VLM with the cell's
 * trained projector; at every layer with an SAE, the residual stream is encoded at the image positions and at the
 * text positions of the same sequence (every real position outside the image span except BOS), and the
 * reconstruction error and L0 are summed per position kind.
 *
 * <p>Codes are kept dense per image ({@code [tokens][width]} floats), which suits the mini world's SAEs; real
 * 16k-wide SAEs at 256 image tokens would need a sparse store (noted, not built).
 */
public final class SaeCodes {
    static final String KEY = "sae-codes";

    /**
     * One layer: codes per image (same order as {@link #imageIds}) at image and text positions, and the summed
     * reconstruction figures: {@code [0]} squared error (mean over d_model per token), {@code [1]} residual energy
     * (mean square over d_model), {@code [2]} active latents, {@code [3]} tokens; {@code image} and {@code text}.
     */
    public record Layer(int layer, int width, List<float[][]> image, List<float[][]> text, double[] imageSums,
                        double[] textSums) {
    }

    private final List<Long> imageIds;
    private final SortedMap<Integer, Layer> layers;

    private SaeCodes(List<Long> imageIds, SortedMap<Integer, Layer> layers) {
        this.imageIds = List.copyOf(imageIds);
        this.layers = layers;
    }

    public List<Long> imageIds() {
        return imageIds;
    }

    public SortedMap<Integer, Layer> layers() {
        return layers;
    }

    /** The cell's codes, computed on first use (needs {@code metrics.train} before the provider asking). */
    static SaeCodes of(CellContext ctx, String provider) {
        TrainedCell tc = Resources.trained(ctx, provider, "it reads the cell's trained projector");
        Object cached = ctx.artefacts().get(KEY);
        if (cached instanceof SaeCodes c) {
            return c;
        }
        LmBundle lm = Resources.lm(ctx);
        if (lm.saes() == null || lm.saes().layers().isEmpty()) {
            throw new VistaException(ExitCodes.USAGE, ctx.spec().file() + ": metrics." + provider + " needs SAEs"
                    + " (llms[" + lm.id() + "].saes)");
        }
        DataBundle data = Resources.data(ctx);
        ImageSplit split = data.split("test");
        CachedFeatures feats = Resources.features(ctx, "test");
        int limit = Resources.evalLimit(ctx.spec());
        List<TrainExample> ex = Resources.examples(lm, split, feats, tc.question(), limit);
        int batch = ctx.spec().train() == null ? 16 : Math.max(1, ctx.spec().train().batch());
        SaeCodes codes = compute(new Vlm(lm.backbone(), null), tc, feats, ex, lm.saes().asMap(), batch);
        ctx.artefacts().put(KEY, codes);
        return codes;
    }

    static SaeCodes compute(Vlm vlm, TrainedCell tc, CachedFeatures feats, List<TrainExample> ex,
                            SortedMap<Integer, Sae> saes, int batch) {
        JniUtils.setGradMode(false);
        SortedMap<Integer, Layer> out = new TreeMap<>();
        saes.forEach((l, s) -> out.put(l, new Layer(l, s.dSae(), new ArrayList<>(), new ArrayList<>(),
                new double[4], new double[4])));
        List<Long> ids = new ArrayList<>();
        for (int from = 0; from < ex.size(); from += batch) {
            int to = Math.min(ex.size(), from + batch);
            int[] picks = new int[to - from];
            for (int i = 0; i < picks.length; i++) {
                picks[i] = from + i;
                ids.add(feats.imageId(ex.get(from + i).featureRow()));
            }
            try (NDManager sm = tc.manager().newSubManager()) {
                Batch b = Batch.build(sm, tc.prompt(), feats, ex, picks);
                Vlm.Pass pass = vlm.forward(tc.projector(), b.textIds(), b.features(), b.imageStart(), b.mask(),
                        saes.keySet(), false, null);
                int promptLen = tc.prompt().promptLength();
                for (Map.Entry<Integer, Sae> e : saes.entrySet()) {
                    NDArray r = pass.residual(e.getKey());
                    if (r.getDataType() != DataType.FLOAT32) {
                        r = r.toType(DataType.FLOAT32, false);
                    }
                    Sae sae = e.getValue();
                    NDArray codes = sae.encode(r);
                    NDArray err = sae.decode(codes).sub(r).square().mean(new int[] {2});
                    NDArray energy = r.square().mean(new int[] {2});
                    NDArray l0 = codes.gt(0f).toType(DataType.FLOAT32, false).sum(new int[] {2});
                    add(out.get(e.getKey()), b, picks, ex, promptLen, codes.toFloatArray(), err.toFloatArray(),
                            energy.toFloatArray(), l0.toFloatArray(), sae.dSae());
                }
            }
        }
        return new SaeCodes(ids, out);
    }

    private static void add(Layer layer, Batch b, int[] picks, List<TrainExample> ex, int promptLen, float[] codes,
                            float[] err, float[] energy, float[] l0, int width) {
        int t = b.length();
        int s = b.imageStart();
        int n = b.imageTokens();
        for (int r = 0; r < picks.length; r++) {
            int real = promptLen + ex.get(picks[r]).answerIds().length;
            float[][] img = new float[n][];
            List<float[]> txt = new ArrayList<>();
            for (int j = 1; j < real; j++) {
                int pos = r * t + j;
                float[] row = new float[width];
                System.arraycopy(codes, pos * width, row, 0, width);
                boolean image = j >= s && j < s + n;
                double[] sums = image ? layer.imageSums() : layer.textSums();
                sums[0] += err[pos];
                sums[1] += energy[pos];
                sums[2] += l0[pos];
                sums[3] += 1;
                if (image) {
                    img[j - s] = row;
                } else {
                    txt.add(row);
                }
            }
            layer.image().add(img);
            layer.text().add(txt.toArray(new float[0][]));
        }
    }
}
