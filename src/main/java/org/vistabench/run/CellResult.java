package org.vistabench.run;

import java.util.Map;
import java.util.TreeMap;
import org.vistabench.spec.Cell;

/** The metrics of one finished cell, as stored in its {@code metrics.json}; metrics sorted by name. */
public record CellResult(Cell cell, Map<String, Double> metrics) {
    public CellResult {
        metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
    }
}
