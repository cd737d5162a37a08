package org.vistabench.golden;

/**
 * The seed-spread rule of relative and relational claims: a pair of groups whose seed means satisfy the bound also
 * needs its margin beyond the bound to be at least {@value #K} standard errors of the compared quantity, so that a
 * difference the seeds' own scatter could make does not pass. Standard errors are the seed standard deviation over
 * √n; a ratio's comes from the delta method, a difference's from the two added in quadrature. With a single seed on
 * either side the spread is unknown and the rule cannot be applied: the pair is judged on its means alone and the
 * detail says so (the claims that bear the paper's comparisons run three or more seeds).
 *
 * @param se    standard error of the compared quantity; NaN when unknown
 * @param clear whether the margin is at least {@code K · se} (true when {@code se} is unknown)
 */
record Spread(double se, double margin, boolean clear) {
    static final double K = 2.0;

    static double se(GroupStats g) {
        return g.n() >= 2 ? g.std() / Math.sqrt(g.n()) : Double.NaN;
    }

    static Spread of(GroupStats l, GroupStats r, double se, double margin) {
        if (!Double.isFinite(se)) {
            return new Spread(Double.NaN, margin, true);
        }
        return new Spread(se, margin, margin >= K * se);
    }

    /** Appended to a passing pair's detail: the margin against the spread, or that the spread is unknown. */
    String detail() {
        if (Double.isNaN(se)) {
            return " (one seed: spread unknown)";
        }
        return clear ? String.format(java.util.Locale.ROOT, " (margin %s >= %s x se %s)", Numbers.human(margin),
                Numbers.plain(K), Numbers.human(se))
                : String.format(java.util.Locale.ROOT, "; but its margin %s < %s x the seeds' se %s",
                Numbers.human(margin), Numbers.plain(K), Numbers.human(se));
    }
}
