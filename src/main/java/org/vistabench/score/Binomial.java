package org.vistabench.score;

/** Binomial proportions with a Wilson score interval (well behaved at 0 and 1 successes, unlike the Wald one). */
public final class Binomial {
    /** z for a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    private Binomial() {
    }

    /** {@code [low, high]} of the Wilson interval for {@code successes / n}; NaN both when {@code n == 0}. */
    public static double[] wilson(long successes, long n, double z) {
        if (successes < 0 || successes > n) {
            throw new IllegalArgumentException("binomial: " + successes + " successes of " + n);
        }
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double p = successes / (double) n;
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
