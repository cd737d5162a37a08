package org.vistabench.golden;

/**
 * One checked number of a claim: a group (absolute) or a pair of groups (relative, relational).
 *
 * @param label e.g. {@code mini-dino/mini-lm/none/none} or {@code early/none, mini-dino/mini-lm/none}
 * @param left the group (absolute) or the ratio_of / compare side
 * @param right the to / greater_than / less_than side; null for absolute claims
 * @param value the mean (absolute), the ratio of means (relative) or the difference left - right (relational)
 * @param bound what {@code value} had to satisfy, e.g. {@code >= 2.33}
 * @param holds whether it did
 * @param detail one line: the value against its bound, or why it could not hold (NaN, denominator <= 0)
 * @param se the seeds' standard error of {@code value} (relative and relational pairs with two or more seeds a
 *     side; NaN otherwise), which the margin must exceed twice over ({@link Spread})
 */
public record SubResult(String label, GroupStats left, GroupStats right, double value, String bound, boolean holds,
                        String detail, double se) {
    /** A result without a seed spread (absolute claims, non-finite values, bounds not met). */
    public SubResult(String label, GroupStats left, GroupStats right, double value, String bound, boolean holds,
                     String detail) {
        this(label, left, right, value, bound, holds, detail, Double.NaN);
    }
}
