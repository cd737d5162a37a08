package org.vistabench.score;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Area under the ROC curve of {@code scores} against binary labels, as the Mann–Whitney statistic: the probability
 * that a random positive scores above a random negative, ties counting one half (average ranks). NaN when there is no
 * positive or no negative (the curve is undefined, not 0.5).
 */
public final class Auroc {
    private Auroc() {
    }

    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("AUROC: " + scores.length + " scores but " + positive.length
                    + " labels");
        }
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        long pos = 0;
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1; // ranks are 1-based; a tie shares the mean of its ranks
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    pos++;
                    rankSum += avgRank;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
