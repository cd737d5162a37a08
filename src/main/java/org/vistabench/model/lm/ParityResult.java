package org.vistabench.model.lm;

/**
 * One compared tensor of a parity run.
 *
 * @param tensor name in expected.safetensors (plus {@code kvcache.logits} for cached step-by-step decoding)
 * @param maxAbs max |ours − reference| (for token outputs: the number of differing tokens)
 * @param maxRel maxAbs / max(1, max|reference|)
 * @param bound  the allowed maxAbs: 1e-4 · max(1, max|reference|) (0 for tokens)
 * @param ok     maxAbs ≤ bound and everything finite
 */
public record ParityResult(String tensor, double maxAbs, double maxRel, double bound, boolean ok) {
    /** Relative tolerance of float tensors against the HF reference. */
    public static final double REL_TOL = 1e-4;

    public static ParityResult compare(String tensor, float[] ours, float[] ref) {
        if (ours.length != ref.length) {
            return new ParityResult(tensor, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, false);
        }
        double maxAbs = 0;
        double maxRef = 0;
        boolean finite = true;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs((double) ours[i] - ref[i]);
            if (!Double.isFinite(d)) {
                finite = false;
            } else {
                maxAbs = Math.max(maxAbs, d);
            }
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        double scale = Math.max(1, maxRef);
        double bound = REL_TOL * scale;
        return new ParityResult(tensor, finite ? maxAbs : Double.NaN, finite ? maxAbs / scale : Double.NaN, bound,
                finite && maxAbs <= bound);
    }

    public static ParityResult compareTokens(String tensor, long[] ours, long[] ref) {
        int diff = Math.abs(ours.length - ref.length);
        for (int i = 0; i < Math.min(ours.length, ref.length); i++) {
            if (ours[i] != ref[i]) {
                diff++;
            }
        }
        return new ParityResult(tensor, diff, diff, 0, diff == 0);
    }

    @Override
    public String toString() {
        return String.format("%-26s maxAbs=%.3e maxRel=%.3e bound=%.3e %s", tensor, maxAbs, maxRel, bound,
                ok ? "ok" : "FAIL");
    }
}
