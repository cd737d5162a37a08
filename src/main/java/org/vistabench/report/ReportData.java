package org.vistabench.report;

import java.util.List;
import java.util.Optional;
import org.vistabench.spec.Cell;

/** A report input made ready for the parts: the spec's order, the cell groups and the metrics index. */
record ReportData(ReportInput in, SpecOrder order, List<CellGroup> groups, Metrics metrics) {
    static ReportData of(ReportInput in) {
        SpecOrder order = SpecOrder.of(in.specText());
        return new ReportData(in, order, CellGroup.of(in.cells(), order), new Metrics(in.table()));
    }

    /**
     * The no-SAE projector a cell is compared with: the done cell with {@code sae_layers = none}, the same encoder,
     * LLM and seed, and the same control, or control {@code none} when the run has no such cell (a control that
     * replaces the SAEs changes nothing without SAE layers, so specs do not cross it with {@code none}).
     */
    Optional<Cell> noSaePartner(Cell c) {
        return metrics.done(c.encoder(), c.llm(), CellGroup.NO_SAE, c.control(), c.seed())
                .or(() -> metrics.done(c.encoder(), c.llm(), CellGroup.NO_SAE, Cell.NO_CONTROL, c.seed()));
    }

    /** {@code 15 cells: 14 done, 1 failed, 0 incomplete, 0 pending}. */
    String cellCounts() {
        StringBuilder sb = new StringBuilder().append(in.cells().size()).append(" cells: ");
        List<String> parts = new java.util.ArrayList<>();
        for (String s : List.of("done", "failed", "incomplete", "pending")) {
            parts.add(in.cells().stream().filter(c -> c.status().equals(s)).count() + " " + s);
        }
        return sb.append(String.join(", ", parts)).toString();
    }

    /** The cells that did not finish, one line each: {@code <id>: failed: <error>} or {@code <id>: pending}. */
    List<String> unfinished() {
        return groups.stream().flatMap(g -> g.cells().stream()).filter(c -> !c.done())
                .map(c -> c.cell().id() + ": " + c.status() + (c.error() == null ? "" : ": " + c.error())).toList();
    }

    /** An encoder and an LLM: one figure of the per-layer curves. */
    record ModelPair(String encoder, String llm) {
        boolean has(CellGroup g) {
            return g.encoder().equals(encoder) && g.llm().equals(llm);
        }
    }

    /** The (encoder, LLM) pairs of the run, in the spec's order. */
    List<ModelPair> modelPairs() {
        return groups.stream().map(g -> new ModelPair(g.encoder(), g.llm())).distinct().toList();
    }
}
