package org.vistabench.golden;

/**
 * The seed-spread rule of relative and relational claims: a pair of groups whose seed means satisfy the bound also
 * needs its margin beyond the bound to be at least {@value #K} standard errors of the compared quantity, so that a
 * difference the seeds' own scatter could make does not pass. Standard errors are the seed standard deviation over
 * √n; a ratio's comes from the delta method, a difference's from the two added in quadrature. The two groups may run
 * different seeds (a claim-bearing group three, its partner one): a single-seed group then borrows its partner's
 * scatter, as a pooled two-sample comparison assumes equal scatter (its sd for a difference, its coefficient of
 * variation for a ratio), and the detail says so. With a single seed on both sides the spread is unknown and the rule
 * cannot be applied: the pair is judged on its means alone and the detail says so.
 *
 * @param se       standard error of the compared quantity; NaN when unknown
 * @param clear    whether the margin is at least {@code K · se} (true when {@code se} is unknown)
 * @param borrowed whether a single-seed side's scatter was taken from its partner
 */
record Spread(double se, double margin, boolean clear, boolean borrowed) {
    static final double K = 2.0;

    /** The standard error of {@code g}'s mean: its own with two seeds or more, else borrowed from {@code partner}. */
    static double se(GroupStats g, GroupStats partner, boolean relative) {
        if (g.n() >= 2) {
            return g.std() / Math.sqrt(g.n());
        }
        if (partner.n() < 2) {
            return Double.NaN;
        }
        double sd = relative ? Math.abs(g.mean()) * partner.std() / Math.abs(partner.mean()) : partner.std();
        return sd / Math.sqrt(g.n());
    }

    static Spread of(GroupStats l, GroupStats r, double se, double margin) {
        boolean borrowed = (l.n() < 2) != (r.n() < 2);
        if (!Double.isFinite(se)) {
            return new Spread(Double.NaN, margin, true, false);
        }
        return new Spread(se, margin, margin >= K * se, borrowed);
    }

    /** Appended to a passing pair's detail: the margin against the spread, or that the spread is unknown. */
    String detail() {
        if (Double.isNaN(se)) {
            return " (one seed: spread unknown)";
        }
        String pooled = borrowed ? ", the single-seed side's scatter taken from its partner's seeds" : "";
        return clear ? String.format(java.util.Locale.ROOT, " (margin %s >= %s x se %s%s)", Numbers.human(margin),
                Numbers.plain(K), Numbers.human(se), pooled)
                : String.format(java.util.Locale.ROOT, "; but its margin %s < %s x the seeds' se %s%s",
                Numbers.human(margin), Numbers.plain(K), Numbers.human(se), pooled);
    }
}
