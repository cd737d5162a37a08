package org.vistabench.model.vision;

/**
 * One compared tensor.
 *
 * @param maxAbs largest |ours - reference|
 * @param maxRel {@code maxAbs / max|reference|}
 * @param bound  the largest {@code maxAbs} that passes
 */
public record ParityResult(String tensor, double maxAbs, double maxRel, double bound, boolean ok) {
    /** Compares two equally long arrays against {@code bound = relBound * max(1, max|ref|)}. */
    static ParityResult compare(String tensor, float[] ours, float[] ref, double relBound) {
        if (ours.length != ref.length) {
            return new ParityResult(tensor + " (size " + ours.length + " vs reference " + ref.length + ")",
                    Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, false);
        }
        double maxAbs = 0;
        double maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs((double) ours[i] - ref[i]);
            if (!(d <= maxAbs)) { // NaN propagates as a failure
                maxAbs = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        double bound = relBound * Math.max(1.0, maxRef);
        return new ParityResult(tensor, maxAbs, maxAbs / Math.max(maxRef, 1e-30), bound, maxAbs <= bound);
    }

    @Override
    public String toString() {
        return String.format("%-36s max|d|=%.3e rel=%.3e bound=%.3e %s", tensor, maxAbs, maxRel, bound,
                ok ? "ok" : "FAIL");
    }
}
