package org.vistabench.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;
import org.vistabench.report.ReportInput;
import org.vistabench.spec.Cell;

/** Reads a results folder into a {@link ReportInput}: the manifest's cells and every cell folder on disk. */
public final class ReportInputs {
    private ReportInputs() {
    }

    /** @throws VistaException exit 2 when {@code dir} is not a results folder */
    public static ReportInput read(Path dir) {
        RunManifest m = ResultsStore.readManifest(dir).orElseThrow(() -> new VistaException(ExitCodes.USAGE,
                dir + " has no " + ResultsStore.MANIFEST + ": not a results folder"));
        Map<String, Cell> cells = new TreeMap<>();
        m.cells().forEach((id, e) -> cells.put(id, e.cell(id)));
        List<CellResult> done = ResultsStore.readDoneCells(dir);
        for (CellResult r : done) {
            cells.put(r.cell().id(), r.cell());
        }
        List<ReportInput.CellRow> rows = new ArrayList<>();
        for (Cell c : cells.values()) {
            Path cd = ResultsStore.cellDir(dir, c.id());
            ResultsStore.Status s = ResultsStore.statusOnDisk(cd);
            String error = s == ResultsStore.Status.FAILED ? firstLine(cd.resolve(ResultsStore.ERROR)) : null;
            rows.add(new ReportInput.CellRow(c, s.name().toLowerCase(java.util.Locale.ROOT), cd, error));
        }
        JsonNode run;
        Optional<JsonNode> golden = Optional.empty();
        try {
            run = Json.MAPPER.readTree(Files.readAllBytes(dir.resolve(ResultsStore.MANIFEST)));
            Path g = dir.resolve(org.vistabench.golden.GoldenCheck.JSON);
            if (Files.isRegularFile(g)) {
                golden = Optional.of(Json.MAPPER.readTree(Files.readAllBytes(g)));
            }
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, "cannot read " + dir + ": " + Json.why(e), e);
        }
        return new ReportInput(dir, m.spec().name(), m.spec().text(), run, rows, ResultsStore.table(done), golden);
    }

    private static String firstLine(Path f) {
        if (!Files.isRegularFile(f)) {
            return "(no " + f.getFileName() + ")";
        }
        try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).findFirst().orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable " + f.getFileName() + ")";
        }
    }
}
