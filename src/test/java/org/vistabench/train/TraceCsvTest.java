package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCsvTest {
    @TempDir
    Path tmp;

    @Test
    void writesOneRowPerStepWithPerLayerSaeColumnsAndReadsThemBack() throws Exception {
        Path f = tmp.resolve("trace.csv");
        List<TraceRow> rows = List.of(
                new TraceRow(0, 3.5, new TreeMap<>(Map.of(0, 0.25, 3, 0.5)), 1.25, 0.0, 1234.5),
                new TraceRow(1, 3.25, new TreeMap<>(Map.of(0, 0.125, 3, 0.375)), 0.75, 1e-3, 1500.0));
        TraceCsv.write(f, List.of(0, 3), rows);
        List<String> lines = Files.readAllLines(f);
        assertEquals("step,ce,sae_loss.l0,sae_loss.l3,grad_norm,lr,tokens_per_s", lines.get(0));
        assertEquals("0,3.5,0.25,0.5,1.25,0.0,1234.5", lines.get(1));
        assertEquals(3, lines.size());
        List<TraceRow> back = TraceCsv.read(f);
        assertEquals(rows.get(1).sae(), back.get(1).sae());
        assertEquals(1e-3, back.get(1).lr(), 1e-12);
        assertTrue(TraceCsv.read(tmp.resolve("missing.csv")).isEmpty());
    }

    @Test
    void layerSetNoneHasNoSaeColumns() throws Exception {
        Path f = tmp.resolve("t.csv");
        TraceCsv.write(f, List.of(), List.of(new TraceRow(0, 2.0, new TreeMap<>(), 0.5, 0.1, 10)));
        assertEquals("step,ce,grad_norm,lr,tokens_per_s", Files.readAllLines(f).get(0));
    }
}
