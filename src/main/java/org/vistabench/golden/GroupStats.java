package org.vistabench.golden;

import java.util.List;

/**
 * One group of cells that differ only by seed, with the claim's quantity per seed and its seed statistics.
 *
 * @param group {@code encoder/llm/sae_layers/control}
 * @param cells cell ids, by seed
 * @param values the quantity per cell (metric, minus the baseline when the claim has one), same order
 * @param std sample standard deviation over seeds; 0 when {@code n == 1}
 */
public record GroupStats(String group, List<Long> seeds, List<String> cells, List<Double> values, double mean,
                         double std, int n) {
    public GroupStats {
        seeds = List.copyOf(seeds);
        cells = List.copyOf(cells);
        values = List.copyOf(values);
    }
}
