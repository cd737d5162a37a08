package org.vistabench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.vistabench.results.MetricsTable;
import org.vistabench.spec.Cell;

/**
 * What a report is made from: a results folder as read by the run layer (the report layer does not read run.json
 * itself). Every cell the manifest names is listed, with its status, so that parts can mark gaps.
 *
 * @param results   the results folder
 * @param specName  the spec's name (run.json {@code spec.name})
 * @param specText  the spec's text as run (run.json {@code spec.text})
 * @param run       run.json as a tree (sessions, git, versions, device)
 * @param cells     every cell of the manifest plus every cell folder on disk, sorted by id
 * @param table     the metrics of the done cells (long format)
 * @param golden    golden.json as a tree, when the folder has one
 */
public record ReportInput(Path results, String specName, String specText, JsonNode run, List<CellRow> cells,
                          MetricsTable table, Optional<JsonNode> golden) {
    public ReportInput {
        cells = List.copyOf(cells);
    }

    /**
     * A cell of the run.
     *
     * @param status {@code done}, {@code failed}, {@code incomplete} (a folder without done/failed: killed or
     *               running), {@code pending} (named by the manifest, no folder: a missing shard or not run yet)
     * @param dir    its folder ({@code results/cells/<id>}; may not exist)
     * @param error  the first line of its {@code error.txt} for a failed cell, else null
     */
    public record CellRow(Cell cell, String status, Path dir, String error) {
        public boolean done() {
            return "done".equals(status);
        }
    }

    /** The folder's cell records file (e.g. {@code match_rate.jsonl}) of a cell, if it exists. */
    public Optional<Path> record(CellRow c, String file) {
        Path p = c.dir().resolve(file);
        return java.nio.file.Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}
