package org.vistabench.train;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.vistabench.io.AtomicFiles;

/**
 * {@code trace.csv}: {@code step,ce,sae_loss.l<L>...,grad_norm,lr,tokens_per_s}, one row per optimizer step
 * (0-based, counted over the whole run). A run with {@code train.stages} has a {@code stage} column after
 * {@code step} (the stage's name); a run without has none, so its file is as before. Rewritten atomically at every
 * checkpoint and at the end, so it never holds a half row.
 */
public final class TraceCsv {
    private TraceCsv() {
    }

    public static void write(Path file, List<Integer> layers, List<TraceRow> rows) {
        boolean staged = rows.stream().anyMatch(r -> r.stage() != null);
        List<String> header = new ArrayList<>(staged ? List.of("step", "stage", "ce") : List.of("step", "ce"));
        for (int l : layers) {
            header.add("sae_loss.l" + l);
        }
        header.addAll(List.of("grad_norm", "lr", "tokens_per_s"));
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n")
                .setHeader(header.toArray(String[]::new)).get())) {
            for (TraceRow r : rows) {
                List<String> v = new ArrayList<>();
                v.add(Integer.toString(r.step()));
                if (staged) {
                    v.add(r.stage() == null ? "" : r.stage());
                }
                v.add(num(r.ce()));
                for (int l : layers) {
                    Double s = r.sae().get(l);
                    v.add(s == null ? "" : num(s));
                }
                v.add(num(r.gradNorm()));
                v.add(num(r.lr()));
                v.add(String.format(Locale.ROOT, "%.1f", r.tokensPerSecond()));
                p.printRecord(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeString(file, out.toString());
    }

    /** Reads the rows back (for resume); a missing file gives no rows. */
    public static List<TraceRow> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<TraceRow> rows = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
                SortedMap<Integer, Double> sae = new TreeMap<>();
                for (Map.Entry<String, String> e : rec.toMap().entrySet()) {
                    if (e.getKey().startsWith("sae_loss.l") && !e.getValue().isEmpty()) {
                        sae.put(Integer.parseInt(e.getKey().substring("sae_loss.l".length())),
                                Double.parseDouble(e.getValue()));
                    }
                }
                rows.add(new TraceRow(Integer.parseInt(rec.get("step")), Double.parseDouble(rec.get("ce")), sae,
                        Double.parseDouble(rec.get("grad_norm")), Double.parseDouble(rec.get("lr")),
                        Double.parseDouble(rec.get("tokens_per_s")),
                        rec.isMapped("stage") && !rec.get("stage").isEmpty() ? rec.get("stage") : null));
            }
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException(file + ": unreadable trace: " + e.getMessage(), e));
        }
        return rows;
    }

    private static String num(double d) {
        // Shortest round-trip form of the float32 value: stable text for the same bits.
        return Float.toString((float) d);
    }
}
