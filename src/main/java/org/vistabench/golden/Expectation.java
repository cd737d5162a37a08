package org.vistabench.golden;

/** What a claim expects of its metric; one of three kinds. */
public sealed interface Expectation permits Expectation.Absolute, Expectation.Ratio, Expectation.Compare {
    /** {@code absolute}, {@code relative} or {@code relational}, as in reports. */
    String kind();

    /** Every selected group (cells averaged over seeds) must lie in {@code bound}. */
    record Absolute(Bound bound) implements Expectation {
        @Override
        public String kind() {
            return "absolute";
        }
    }

    /**
     * The ratio of seed means {@code of / to}, paired by the coordinates the two sides do not name, must lie in
     * {@code bound}. Both sides name the same keys.
     */
    record Ratio(Selector of, Selector to, Bound bound) implements Expectation {
        @Override
        public String kind() {
            return "relative";
        }
    }

    /**
     * The difference of seed means {@code left - right}, paired likewise, must be {@code > 0} ({@code greater}, no
     * margin), {@code >= byAtLeast} ({@code greater} with a margin), or the mirror for {@code less_than}.
     */
    record Compare(Selector left, Selector right, boolean greater, double byAtLeast) implements Expectation {
        @Override
        public String kind() {
            return "relational";
        }

        public boolean holds(double difference) {
            if (!Double.isFinite(difference)) {
                return false;
            }
            double signed = greater ? difference : -difference;
            return byAtLeast == 0.0 ? signed > 0 : signed >= byAtLeast - Bound.slack(byAtLeast);
        }

        public double margin(double difference) {
            if (!Double.isFinite(difference)) {
                return Double.NEGATIVE_INFINITY;
            }
            return (greater ? difference : -difference) - byAtLeast;
        }

        /** The requirement on {@code left - right}, e.g. {@code > 0} or {@code >= 0.1}. */
        public String requirement() {
            if (byAtLeast == 0.0) {
                return greater ? "> 0" : "< 0";
            }
            return greater ? ">= " + Numbers.plain(byAtLeast) : "<= -" + Numbers.plain(byAtLeast);
        }
    }
}
