package org.vistabench.run;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.vistabench.VistaException;
import org.vistabench.cli.ExitCodes;
import org.vistabench.io.AtomicFiles;
import org.vistabench.spec.Cell;

/**
 * The long-format metrics table {@code tables/metrics.csv}: one row per (cell, metric), sorted by cell id then metric,
 * {@code \n} line endings. Values are written with {@link Double#toString(double)} so that reading gives back the very
 * same double (NaN as {@code NaN}); with no times in it, the same results always give the same bytes.
 */
public final class MetricsCsv {
    public static final List<String> HEADER =
            List.of("cell", "encoder", "llm", "sae_layers", "control", "seed", "metric", "value");

    private static final CSVFormat WRITE = CSVFormat.DEFAULT.builder()
            .setHeader(HEADER.toArray(String[]::new))
            .setRecordSeparator("\n")
            .get();

    private static final CSVFormat READ = CSVFormat.DEFAULT.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get();

    private MetricsCsv() {
    }

    /** The CSV text of {@code table} (already sorted by {@link MetricsTable}). */
    public static String format(MetricsTable table) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, WRITE)) {
            for (MetricsTable.Row row : table.rows()) {
                Cell c = row.cell();
                printer.printRecord(c.id(), c.encoder(), c.llm(), c.saeLayers(), c.control(), Long.toString(c.seed()),
                        row.metric(), Double.toString(row.value()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Writes the table atomically. */
    public static void write(Path file, MetricsTable table) {
        AtomicFiles.writeString(file, format(table));
    }

    /** Reads a table written by {@link #write}; a malformed file is an exit-2 error naming the file and line. */
    public static MetricsTable read(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = READ.parse(in)) {
            if (!parser.getHeaderNames().equals(HEADER)) {
                throw new VistaException(ExitCodes.USAGE, file + ": header is " + parser.getHeaderNames()
                        + ", expected " + String.join(",", HEADER));
            }
            List<MetricsTable.Row> rows = new ArrayList<>();
            for (CSVRecord r : parser) {
                rows.add(parseRow(file, r));
            }
            return new MetricsTable(rows);
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static MetricsTable.Row parseRow(Path file, CSVRecord r) {
        String where = file + " line " + r.getParser().getCurrentLineNumber();
        if (r.size() != HEADER.size()) {
            throw new VistaException(ExitCodes.USAGE, where + ": expected " + HEADER.size() + " fields, found "
                    + r.size());
        }
        long seed;
        double value;
        try {
            seed = Long.parseLong(r.get("seed"));
        } catch (NumberFormatException e) {
            throw new VistaException(ExitCodes.USAGE, where + ": seed '" + r.get("seed") + "' is not an integer");
        }
        try {
            value = Double.parseDouble(r.get("value"));
        } catch (NumberFormatException e) {
            throw new VistaException(ExitCodes.USAGE, where + ": value '" + r.get("value") + "' is not a number");
        }
        Cell cell = new Cell(r.get("cell"), r.get("encoder"), r.get("llm"), r.get("sae_layers"), r.get("control"),
                seed);
        return new MetricsTable.Row(cell, r.get("metric"), value);
    }
}
