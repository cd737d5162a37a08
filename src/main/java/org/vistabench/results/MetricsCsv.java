package org.vistabench.results;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.vistabench.core.FileError;
import org.vistabench.core.FileErrorsException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.spec.Cell;

/**
 * The long-format metrics table, {@code tables/metrics.csv}: one row per (cell, metric), sorted by cell id then metric,
 * values written with {@link Double#toString(double)} (which {@link Double#parseDouble} reads back to the same bits;
 * NaN as {@code NaN}), {@code \n} line ends. The same table always gives the same bytes.
 */
public final class MetricsCsv {
    public static final List<String> HEADER =
            List.of("cell", "encoder", "llm", "sae_layers", "control", "seed", "metric", "value");

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    private MetricsCsv() {
    }

    public static void write(Path file, MetricsTable table) {
        AtomicFiles.writeString(file, format(table));
    }

    /** The file's exact text. */
    public static String format(MetricsTable table) {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, FORMAT)) {
            p.printRecord(HEADER);
            for (MetricsTable.Row r : table.rows()) {
                Cell c = r.cell();
                p.printRecord(c.id(), c.encoder(), c.llm(), c.saeLayers(), c.control(), Long.toString(c.seed()),
                        r.metric(), Double.toString(r.value()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads a table; every malformed row is reported (file:line) in one {@link FileErrorsException}. */
    public static MetricsTable read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FileErrorsException(file + ": metrics table not found");
        } catch (IOException e) {
            throw new FileErrorsException(file + ": cannot read metrics table: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new FileErrorsException(file + ": not a metrics table: not UTF-8 text (a binary file?)");
        }
        if (!text.isEmpty() && !text.endsWith("\n")) {
            // every table we write ends with a newline: a last line without one was cut (a copy or a disk that filled)
            long lines = text.chars().filter(c -> c == '\n').count() + 1;
            throw new FileErrorsException(List.of(new FileError(file.toString(), (int) lines, 1, "row",
                    "truncated: the file ends inside this line (no final newline); rerun or rebuild the table")));
        }
        return parse(file.toString(), new StringReader(text));
    }

    static MetricsTable parse(String file, Reader in) {
        List<FileError> errors = new ArrayList<>();
        List<MetricsTable.Row> rows = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        try (CSVParser parser = CSVParser.builder().setReader(in).setFormat(FORMAT).get()) {
            boolean header = true;
            for (CSVRecord rec : parser) {
                long line = parser.getCurrentLineNumber();
                if (header) {
                    header = false;
                    if (!rec.toList().equals(HEADER)) {
                        errors.add(new FileError(file, (int) line, 1, "header",
                                "expected " + String.join(",", HEADER) + ", got " + String.join(",", rec.toList())));
                        break;
                    }
                    continue;
                }
                if (rec.size() != HEADER.size()) {
                    errors.add(new FileError(file, (int) line, 1, "row",
                            "expected " + HEADER.size() + " fields, got " + rec.size()));
                    continue;
                }
                long seed;
                try {
                    seed = Long.parseLong(rec.get(5));
                } catch (NumberFormatException e) {
                    errors.add(new FileError(file, (int) line, 1, "seed", "expected an integer, got \"" + rec.get(5) + "\""));
                    continue;
                }
                double value;
                try {
                    value = Double.parseDouble(rec.get(7));
                } catch (NumberFormatException e) {
                    errors.add(new FileError(file, (int) line, 1, "value",
                            "expected a number (or NaN), got \"" + rec.get(7) + "\""));
                    continue;
                }
                Cell cell = Cell.of(rec.get(1), rec.get(2), rec.get(3), rec.get(4), seed);
                if (!cell.id().equals(rec.get(0))) {
                    errors.add(new FileError(file, (int) line, 1, "cell", "cell id \"" + rec.get(0)
                            + "\" does not match its coordinates (expected \"" + cell.id() + "\")"));
                    continue;
                }
                String key = cell.id() + "\u0000" + rec.get(6);
                Long first = seen.putIfAbsent(key, line);
                if (first != null) {
                    errors.add(new FileError(file, (int) line, 1, "metric", "duplicate row for cell " + cell.id()
                            + " metric " + rec.get(6) + " (first at line " + first + ")"));
                    continue;
                }
                rows.add(new MetricsTable.Row(cell, rec.get(6), value));
            }
            if (header) {
                errors.add(new FileError(file, 1, 1, "header", "empty file: expected the header " + String.join(",", HEADER)));
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            errors.add(new FileError(file, 1, 1, "", "malformed CSV: " + e.getMessage()));
        }
        if (!errors.isEmpty()) {
            throw new FileErrorsException(errors);
        }
        return new MetricsTable(rows);
    }
}
