package org.vistabench.golden;

import java.util.List;

/**
 * The outcome of one claim with every number it rests on.
 *
 * @param quantity the metric, or {@code metric - baseline}
 * @param missing what was needed and not in the table (cells, metrics, partners, seeds); empty when complete
 * @param explanation one line for humans, e.g. {@code match-rate-gain: FAIL ratio 1.12 (early/none, mini-dino) < 2.33}
 * @param knownFailure the golden file's {@code known_failure} reason, or null
 */
public record ClaimResult(String id, String source, String kind, String quantity, Outcome outcome,
                          List<SubResult> results, List<String> missing, String explanation, String knownFailure) {
    public ClaimResult {
        results = List.copyOf(results);
        missing = List.copyOf(missing);
    }
}
