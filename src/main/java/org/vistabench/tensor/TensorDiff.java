package org.vistabench.tensor;

import java.util.Locale;

/**
 * How far one tensor of ours is from a reference, and whether that is within a bound.
 *
 * <p>A non-finite difference (NaN or ±∞ in either tensor) always fails; {@link NonFinite} only says what
 * {@code maxAbs} then reports. A length mismatch gives {@code maxAbs = maxRel = ∞}, not ok.
 *
 * @param name   the tensor compared (the row's label)
 * @param maxAbs max |ours − reference| (for {@link #countMismatches}: the number of differing elements)
 * @param maxRel {@code maxAbs / max(max|reference|, relFloor)}
 * @param boundOn what {@code bound} limits, and how
 * @param bound  the limit {@code ok} was checked against (0: exact)
 * @param ok     every difference finite and the bound met
 */
public record TensorDiff(String name, double maxAbs, double maxRel, Bound boundOn, double bound, boolean ok) {
    /** What a tolerance {@code tol} bounds. */
    public enum Bound {
        /** {@code maxAbs ≤ tol}. */
        MAX_ABS,
        /** {@code maxAbs ≤ tol · max(1, max|reference|)}; {@code bound} holds the scaled value. */
        MAX_ABS_SCALED,
        /** {@code maxRel ≤ tol} (a norm-wise relative error, so that elements near zero do not dominate). */
        MAX_REL
    }

    /** What {@code maxAbs} (and so {@code maxRel}) reports when some difference is not finite. */
    public enum NonFinite {
        /** NaN. */
        NAN,
        /** +∞. */
        INFINITY,
        /** the IEEE maximum of |ours − reference|: NaN if any difference is NaN, else +∞. */
        PROPAGATE
    }

    /**
     * Compares two equally long arrays.
     *
     * @param relFloor the least denominator of {@code maxRel}
     */
    public static TensorDiff compare(String name, float[] ours, float[] ref, double tol, Bound boundOn,
            double relFloor, NonFinite nonFinite) {
        if (ours.length != ref.length) {
            return new TensorDiff(name, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, boundOn,
                    boundOn == Bound.MAX_ABS_SCALED ? 0 : tol, false);
        }
        double maxAbs = 0;
        double maxRef = 0;
        double ieeeMax = 0;
        boolean finite = true;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs((double) ours[i] - ref[i]);
            if (Double.isFinite(d)) {
                maxAbs = Math.max(maxAbs, d);
            } else {
                finite = false;
            }
            ieeeMax = Math.max(ieeeMax, d);
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        if (!finite) {
            maxAbs = switch (nonFinite) {
                case NAN -> Double.NaN;
                case INFINITY -> Double.POSITIVE_INFINITY;
                case PROPAGATE -> ieeeMax;
            };
        }
        double maxRel = maxAbs / Math.max(maxRef, relFloor);
        double bound = boundOn == Bound.MAX_ABS_SCALED ? tol * Math.max(1, maxRef) : tol;
        return new TensorDiff(name, maxAbs, maxRel, boundOn, bound, finite && within(boundOn, maxAbs, maxRel, bound));
    }

    /** Exact comparison of integer tensors: {@code maxAbs = maxRel} = differing elements plus the length difference. */
    public static TensorDiff countMismatches(String name, long[] ours, long[] ref) {
        int diff = Math.abs(ours.length - ref.length);
        for (int i = 0; i < Math.min(ours.length, ref.length); i++) {
            if (ours[i] != ref[i]) {
                diff++;
            }
        }
        return new TensorDiff(name, diff, diff, Bound.MAX_ABS, 0, diff == 0);
    }

    /** A tensor that could not be compared (missing, or of another shape): ∞ errors, bound 0, not ok. */
    public static TensorDiff failed(String name) {
        return new TensorDiff(name, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Bound.MAX_ABS, 0, false);
    }

    /**
     * Re-checks against {@code tol} in place of the {@code defaultTol} this row was made with: a
     * {@link Bound#MAX_ABS_SCALED} bound is scaled by {@code tol / defaultTol}, a {@link Bound#MAX_REL} bound becomes
     * {@code tol}. Absolute and exact (0) bounds and rows with a non-finite {@code maxAbs} stay as they are.
     */
    public TensorDiff withTolerance(double tol, double defaultTol) {
        if (bound == 0 || !Double.isFinite(maxAbs) || boundOn == Bound.MAX_ABS) {
            return this;
        }
        double b = boundOn == Bound.MAX_REL ? tol : bound * tol / defaultTol;
        return new TensorDiff(name, maxAbs, maxRel, boundOn, b, within(boundOn, maxAbs, maxRel, b));
    }

    private static boolean within(Bound boundOn, double maxAbs, double maxRel, double bound) {
        return boundOn == Bound.MAX_REL ? maxRel <= bound : maxAbs <= bound;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%-36s maxAbs=%.3e maxRel=%.3e bound=%.3e %s", name, maxAbs, maxRel, bound,
                ok ? "ok" : "FAIL");
    }
}
