package org.vistabench.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.vistabench.io.AtomicFiles;
import org.vistabench.results.MetricsTable;
import org.vistabench.spec.Cell;

/**
 * The wide view of a metrics table: one row per cell (sorted by id), one column per metric (sorted by name); a metric
 * a cell does not have is an empty field. Written as {@code tables/summary.csv} by {@code report}.
 */
public record SummaryTable(List<String> metrics, List<Row> rows) {
    public static final String FILE = "summary.csv";

    public record Row(Cell cell, Map<String, Double> values) {
    }

    public SummaryTable {
        metrics = List.copyOf(metrics);
        rows = List.copyOf(rows);
    }

    public static SummaryTable of(MetricsTable table) {
        TreeSet<String> names = new TreeSet<>();
        Map<String, Cell> cells = new TreeMap<>();
        Map<String, Map<String, Double>> values = new TreeMap<>();
        for (MetricsTable.Row r : table.rows()) {
            names.add(r.metric());
            cells.put(r.cell().id(), r.cell());
            values.computeIfAbsent(r.cell().id(), k -> new TreeMap<>()).put(r.metric(), r.value());
        }
        List<Row> rows = new ArrayList<>();
        cells.forEach((id, c) -> rows.add(new Row(c, values.get(id))));
        return new SummaryTable(new ArrayList<>(names), rows);
    }

    /** CSV text; values with {@link Double#toString(double)} (exact), {@code \n} line endings. */
    public String csv() {
        List<String> header = new ArrayList<>(List.of("cell", "encoder", "llm", "sae_layers", "control", "seed"));
        header.addAll(metrics);
        StringWriter out = new StringWriter();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                .setRecordSeparator("\n").get();
        try (CSVPrinter p = new CSVPrinter(out, format)) {
            for (Row r : rows) {
                List<String> rec = new ArrayList<>(List.of(r.cell().id(), r.cell().encoder(), r.cell().llm(),
                        r.cell().saeLayers(), r.cell().control(), Long.toString(r.cell().seed())));
                for (String m : metrics) {
                    Double v = r.values().get(m);
                    rec.add(v == null ? "" : Double.toString(v));
                }
                p.printRecord(rec);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public void write(Path file) {
        AtomicFiles.writeString(file, csv());
    }

    /** A plain-text table for the terminal: cells down, metrics across, 4 significant digits. */
    public String text() {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        columns.put("cell", rows.stream().map(r -> r.cell().id()).toList());
        for (String m : metrics) {
            columns.put(m, rows.stream().map(r -> {
                Double v = r.values().get(m);
                return v == null ? "-" : String.format(Locale.ROOT, "%.4g", v);
            }).toList());
        }
        Map<String, Integer> width = new LinkedHashMap<>();
        columns.forEach((name, vals) -> width.put(name,
                Math.max(name.length(), vals.stream().mapToInt(String::length).max().orElse(0))));
        StringBuilder sb = new StringBuilder();
        appendLine(sb, new ArrayList<>(columns.keySet()), width, true);
        for (int i = 0; i < rows.size(); i++) {
            final int row = i;
            appendLine(sb, columns.values().stream().map(v -> v.get(row)).toList(), width, false);
        }
        return sb.toString();
    }

    private static void appendLine(StringBuilder sb, List<String> fields, Map<String, Integer> width, boolean header) {
        List<Integer> w = new ArrayList<>(width.values());
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            String f = fields.get(i);
            String pad = " ".repeat(w.get(i) - f.length());
            // cell ids left-aligned, numbers right-aligned so digits line up
            line.append(i == 0 || header ? f + pad : pad + f).append("  ");
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
