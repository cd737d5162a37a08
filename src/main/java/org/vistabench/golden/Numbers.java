package org.vistabench.golden;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/** Number formatting and seed statistics shared by the evaluator and the writers (and the report's seed columns). */
public final class Numbers {
    private Numbers() {
    }

    /** A bound as written: shortest round-tripping decimal, no exponent for everyday magnitudes, no trailing zeros. */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /**
     * A measured number for humans: 4 significant digits, or more where 4 would print a value that differs from one
     * of {@code refs} (the bounds it is compared with) as that bound itself: never "0.8 < 0.8".
     */
    static String human(double v, Double... refs) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0.0) {
            return "0";
        }
        BigDecimal exact = new BigDecimal(v);
        BigDecimal d = exact;
        for (int digits = 4; digits <= 17; digits++) {
            d = exact.round(new MathContext(digits)).stripTrailingZeros();
            if (!collides(v, d, refs)) {
                break;
            }
        }
        return Math.abs(v) >= 1e-4 && Math.abs(v) < 1e7 ? d.toPlainString() : d.toString();
    }

    private static boolean collides(double v, BigDecimal shown, Double... refs) {
        for (Double r : refs) {
            if (r != null && Double.isFinite(r) && v != r && shown.compareTo(new BigDecimal(Double.toString(r))) == 0) {
                return true;
            }
        }
        return false;
    }

    public static double mean(List<Double> xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.size();
    }

    /** Sample standard deviation over seeds (n - 1); 0 for a single seed, where the spread is unknown, not zero: see n. */
    public static double std(List<Double> xs) {
        if (xs.size() < 2) {
            return 0.0;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.size() - 1));
    }
}
