package org.vistabench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.vistabench.spec.Cell;

/**
 * The cells of a run that differ only by seed: one row of a paper table. Holds every cell of the group whatever its
 * status, so that a table can say which seeds are missing.
 *
 * @param cells by seed
 */
record CellGroup(String encoder, String llm, String saeLayers, String control, List<ReportInput.CellRow> cells) {
    /** The layer set of the no-SAE projector (cross-entropy only). */
    static final String NO_SAE = "none";

    CellGroup {
        cells = List.copyOf(cells);
    }

    /** The groups of a run's cells, in the spec's order. */
    static List<CellGroup> of(List<ReportInput.CellRow> rows, SpecOrder order) {
        List<ReportInput.CellRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(ReportInput.CellRow::cell, order.cells()));
        Map<String, List<ReportInput.CellRow>> by = new LinkedHashMap<>();
        for (ReportInput.CellRow r : sorted) {
            by.computeIfAbsent(label(r.cell()), k -> new ArrayList<>()).add(r);
        }
        return by.values().stream().map(l -> {
            Cell c = l.get(0).cell();
            return new CellGroup(c.encoder(), c.llm(), c.saeLayers(), c.control(), l);
        }).toList();
    }

    /** {@code encoder/llm/sae_layers/control}, as golden.json names groups. */
    static String label(Cell c) {
        return c.encoder() + "/" + c.llm() + "/" + c.saeLayers() + "/" + c.control();
    }

    String label() {
        return label(cells.get(0).cell());
    }

    /** The four coordinates, as the first columns of a table. */
    List<String> keys() {
        return List.of(encoder, llm, saeLayers, control);
    }

    List<Cell> done() {
        return cells.stream().filter(ReportInput.CellRow::done).map(ReportInput.CellRow::cell).toList();
    }

    /** The done cells' seeds, space-separated. */
    String seeds() {
        return done().stream().map(c -> Long.toString(c.seed())).collect(Collectors.joining(" "));
    }

    /** The cells that are not done, e.g. {@code s18 failed; s19 pending}; empty when none. */
    String gaps() {
        return cells.stream().filter(r -> !r.done()).map(r -> "s" + r.cell().seed() + " " + r.status())
                .collect(Collectors.joining("; "));
    }

    boolean noSae() {
        return NO_SAE.equals(saeLayers);
    }
}
