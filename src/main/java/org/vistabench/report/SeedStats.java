package org.vistabench.report;

import java.util.Collection;
import java.util.List;
import org.vistabench.golden.Numbers;

/**
 * One quantity over the seeds of a cell group: the mean and the sample standard deviation (n − 1) of its finite
 * values, and n, how many seeds had one. A cell whose value is NaN (nothing was scored) or absent (the cell failed or
 * did not run) does not count. The mean is NaN when n = 0, the sd when n &lt; 2 (one seed gives no spread).
 */
record SeedStats(double mean, double sd, int n) {
    static final SeedStats NONE = new SeedStats(Double.NaN, Double.NaN, 0);

    static SeedStats of(Collection<Double> values) {
        List<Double> finite = values.stream().filter(Double::isFinite).toList();
        int n = finite.size();
        if (n == 0) {
            return NONE;
        }
        // the golden claims' seed statistics, so tables and claims agree to the bit
        return new SeedStats(Numbers.mean(finite), n < 2 ? Double.NaN : Numbers.std(finite), n);
    }

    /** The three column names of a quantity: {@code <name>_mean}, {@code <name>_sd}, {@code <name>_n}. */
    static List<String> header(String name) {
        return List.of(name + "_mean", name + "_sd", name + "_n");
    }

    /** The three fields, formatted as {@link Fmt#num} (n as an integer). */
    List<String> fields() {
        return List.of(Fmt.num(mean), Fmt.num(sd), Integer.toString(n));
    }

    /** For people: {@code 0.1234}, {@code 0.1234±0.0100} with a spread, {@code –} without a value. */
    String text() {
        return n >= 2 ? Fmt.sig(mean) + "±" + Fmt.sig(sd) : Fmt.sig(mean);
    }
}
