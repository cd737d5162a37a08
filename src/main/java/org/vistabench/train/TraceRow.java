package org.vistabench.train;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One step of {@code trace.csv}.
 *
 * @param sae normalised SAE term per constrained layer (empty for layer set none)
 * @param tokensPerSecond real tokens of the step / its wall time (a time: trace.csv is not a byte-identical table)
 * @param stage the training stage's name when the run has {@code train.stages}; null otherwise
 */
public record TraceRow(int step, double ce, SortedMap<Integer, Double> sae, double gradNorm, double lr,
                       double tokensPerSecond, String stage) {
    public TraceRow {
        sae = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(sae));
    }

    /** A row of a run without stages. */
    public TraceRow(int step, double ce, SortedMap<Integer, Double> sae, double gradNorm, double lr,
                    double tokensPerSecond) {
        this(step, ce, sae, gradNorm, lr, tokensPerSecond, null);
    }

    public double saeMean() {
        return sae.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
