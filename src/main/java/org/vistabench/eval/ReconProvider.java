package org.vistabench.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vistabench.cell.CellContext;

/**
 * {@code recon}: the text SAEs' reconstruction error and sparsity at image positions and at the text positions of the
 * same sequences ({@link SaeCodes}), per SAE layer {@code l<L>}, as long-format rows a figure like the paper's
 * Figs 11-18 can be drawn from:
 * {@code recon.image_mse} / {@code recon.text_mse} (the authors' MSE: mean over tokens × d_model),
 * {@code recon.image_rel} / {@code recon.text_rel} (scale-free: summed error over summed mean-square residual),
 * {@code recon.image_l0} / {@code recon.text_l0} (active latents per token) and {@code recon.image_l0_frac} /
 * {@code recon.text_l0_frac} (the same as a fraction of the SAE's width, as the paper plots it); and how far image
 * tokens sit from text tokens on each, as the absolute log ratio {@code |ln(image / text)|} (0 = the same, ln 2 =
 * twice or half): {@code recon.rel_gap}, {@code recon.l0_gap}.
 */
public final class ReconProvider implements MetricProvider {
    static final String NAME = "recon";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean mayBeUndefined(String metric) {
        // a prompt may have no text position besides BOS; an SAE silent on every token has no L0 ratio
        return metric.startsWith(NAME + ".text_") || metric.contains("_gap.");
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) {
        SaeCodes codes = SaeCodes.of(ctx, NAME);
        Map<String, Double> out = new LinkedHashMap<>();
        for (SaeCodes.Layer layer : codes.layers().values()) {
            String l = ".l" + layer.layer();
            put(out, "image", l, layer.imageSums(), layer.width());
            put(out, "text", l, layer.textSums(), layer.width());
            out.put(NAME + ".rel_gap" + l, gap(out.get(NAME + ".image_rel" + l), out.get(NAME + ".text_rel" + l)));
            out.put(NAME + ".l0_gap" + l, gap(out.get(NAME + ".image_l0" + l), out.get(NAME + ".text_l0" + l)));
        }
        return out;
    }

    /** |ln(a / b)|; NaN when either is not positive. */
    static double gap(double a, double b) {
        return a > 0 && b > 0 ? Math.abs(Math.log(a / b)) : Double.NaN;
    }

    private static void put(Map<String, Double> out, String kind, String layer, double[] s, int width) {
        double n = s[3];
        out.put(NAME + "." + kind + "_mse" + layer, n == 0 ? Double.NaN : s[0] / n);
        out.put(NAME + "." + kind + "_rel" + layer, s[1] == 0 ? Double.NaN : s[0] / s[1]);
        out.put(NAME + "." + kind + "_l0" + layer, n == 0 ? Double.NaN : s[2] / n);
        out.put(NAME + "." + kind + "_l0_frac" + layer, n == 0 ? Double.NaN : s[2] / n / width);
    }
}
