package org.vistabench.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.vistabench.spec.Cell;

/** Long-format metrics: one row per (cell, metric). Sorted by cell id then metric, so its CSV is byte-stable. */
public record MetricsTable(List<Row> rows) {
    public record Row(Cell cell, String metric, double value) {
    }

    public MetricsTable {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing((Row r) -> r.cell().id()).thenComparing(Row::metric));
        rows = List.copyOf(sorted);
    }

    public List<Cell> cells() {
        return rows.stream().map(Row::cell).distinct().toList();
    }
}
