package org.vistabench.golden;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/** Number formatting and seed statistics shared by the evaluator and the writers. */
final class Numbers {
    private Numbers() {
    }

    /** A bound as written: shortest round-tripping decimal, no exponent for everyday magnitudes, no trailing zeros. */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** A measured number for humans: 4 significant digits. */
    static String human(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0.0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        return Math.abs(v) >= 1e-4 && Math.abs(v) < 1e7 ? d.toPlainString() : d.toString();
    }

    static double mean(List<Double> xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.size();
    }

    /** Sample standard deviation over seeds (n - 1); 0 for a single seed, where the spread is unknown, not zero: see n. */
    static double std(List<Double> xs) {
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
