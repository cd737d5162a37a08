package org.vistabench.golden;

/**
 * An inclusive interval a measured number must lie in. Bounds are inclusive up to a rounding slack of 1e-9 relative
 * to the bound, so that {@code value: 0.7, tolerance: 0.1} accepts a measured 0.8 although {@code 0.8 - 0.7 > 0.1} in
 * binary floating point. A non-finite measured number never lies in any bound.
 *
 * @param atLeast lower end or null
 * @param atMost upper end or null
 * @param text how the golden file wrote it, e.g. {@code >= 2.33}, {@code in [0.2, 0.4]}, {@code 0.7 +- 0.1}
 */
public record Bound(Double atLeast, Double atMost, String text) {
    public static Bound atLeast(double a) {
        return new Bound(a, null, ">= " + Numbers.plain(a));
    }

    public static Bound atMost(double b) {
        return new Bound(null, b, "<= " + Numbers.plain(b));
    }

    public static Bound range(Double a, Double b) {
        if (a == null) {
            return atMost(b);
        }
        if (b == null) {
            return atLeast(a);
        }
        return new Bound(a, b, "in [" + Numbers.plain(a) + ", " + Numbers.plain(b) + "]");
    }

    public static Bound around(double value, double tolerance) {
        return new Bound(value - tolerance, value + tolerance, Numbers.plain(value) + " +- " + Numbers.plain(tolerance));
    }

    public boolean holds(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        return (atLeast == null || x >= atLeast - slack(atLeast)) && (atMost == null || x <= atMost + slack(atMost));
    }

    /** How far inside the bound {@code x} is (negative outside); used to pick the weakest of several results. */
    public double margin(double x) {
        if (!Double.isFinite(x)) {
            return Double.NEGATIVE_INFINITY;
        }
        double m = Double.POSITIVE_INFINITY;
        if (atLeast != null) {
            m = Math.min(m, x - atLeast);
        }
        if (atMost != null) {
            m = Math.min(m, atMost - x);
        }
        return m;
    }

    /** The relation of {@code x} to this bound as a phrase: {@code >= 2.33} when it holds, {@code < 2.33} when below. */
    public String relation(double x) {
        if (holds(x)) {
            return text;
        }
        if (atLeast != null && !(x >= atLeast - slack(atLeast)) && Double.isFinite(x)) {
            return atMost == null ? "< " + Numbers.plain(atLeast) : "outside " + text;
        }
        if (atMost != null && Double.isFinite(x)) {
            return atLeast == null ? "> " + Numbers.plain(atMost) : "outside " + text;
        }
        return "not " + text;
    }

    static double slack(double bound) {
        return 1e-9 * Math.max(1.0, Math.abs(bound));
    }
}
