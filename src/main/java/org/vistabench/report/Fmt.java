package org.vistabench.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Number formats of the report. Tables: fixed {@value #DECIMALS} decimals ({@link #num}), a non-finite value (NaN: not
 * measured, or no seed had a finite value) as an empty field, never {@code -0.0000}. Text for people (summary.md, the
 * terminal): 4 significant digits ({@link #sig}), {@code –} for a non-finite value.
 */
final class Fmt {
    static final int DECIMALS = 4;
    static final String NONE = "–";

    private Fmt() {
    }

    /** {@code %.4f} with {@link Locale#ROOT}; "" for NaN or ±∞; {@code 0.0000} for a value that rounds to −0. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        String s = String.format(Locale.ROOT, "%." + DECIMALS + "f", v);
        return s.equals("-" + zero()) ? zero() : s;
    }

    private static String zero() {
        return "0." + "0".repeat(DECIMALS);
    }

    /** 4 significant digits, no exponent for everyday magnitudes, no trailing zeros; {@value #NONE} if not finite. */
    static String sig(double v) {
        if (!Double.isFinite(v)) {
            return NONE;
        }
        if (v == 0.0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        return Math.abs(v) >= 1e-4 && Math.abs(v) < 1e7 ? d.toPlainString() : d.toString();
    }
}
