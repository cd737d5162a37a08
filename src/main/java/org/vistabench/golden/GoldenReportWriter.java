package org.vistabench.golden;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;

/** Writes a {@link GoldenReport} as {@code golden.json}, {@code golden.csv} and a console table; all deterministic. */
public final class GoldenReportWriter {
    public static final List<String> CSV_HEADER = List.of("claim", "outcome", "kind", "quantity", "pair", "value",
            "bound", "holds", "se", "left_group", "left_mean", "left_std", "left_n", "right_group", "right_mean", "right_std",
            "right_n", "detail");

    private GoldenReportWriter() {
    }

    public static void writeJson(Path file, GoldenReport report) {
        AtomicFiles.writeString(file, json(report));
    }

    public static void writeCsv(Path file, GoldenReport report) {
        AtomicFiles.writeString(file, csv(report));
    }

    public static String json(GoldenReport report) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode g = root.putObject("golden");
        g.put("file", report.golden().file().toString());
        g.put("sha256", report.golden().sha256());
        g.put("name", report.golden().name());
        root.put("allow_missing", report.allowMissing());
        root.put("exit_code", report.exitCode());
        ObjectNode counts = root.putObject("counts");
        report.counts().forEach((o, n) -> counts.put(o.name(), n));
        ArrayNode claims = root.putArray("claims");
        for (ClaimResult c : report.claims()) {
            ObjectNode n = claims.addObject();
            n.put("id", c.id());
            n.put("source", c.source());
            n.put("kind", c.kind());
            n.put("quantity", c.quantity());
            n.put("outcome", c.outcome().name());
            n.put("explanation", c.explanation());
            n.put("known_failure", c.knownFailure());
            ArrayNode missing = n.putArray("missing");
            c.missing().forEach(missing::add);
            ArrayNode results = n.putArray("results");
            for (SubResult s : c.results()) {
                ObjectNode r = results.addObject();
                r.put("label", s.label());
                r.put("value", s.value());
                r.put("bound", s.bound());
                r.put("holds", s.holds());
                r.put("se", s.se());
                r.put("detail", s.detail());
                group(r.putObject("left"), s.left());
                if (s.right() != null) {
                    group(r.putObject("right"), s.right());
                }
            }
        }
        try {
            return Json.MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the golden report", e);
        }
    }

    private static void group(ObjectNode n, GroupStats g) {
        n.put("group", g.group());
        n.put("mean", g.mean());
        n.put("std", g.std());
        n.put("n", g.n());
        ArrayNode seeds = n.putArray("seeds");
        g.seeds().forEach(seeds::add);
        ArrayNode cells = n.putArray("cells");
        g.cells().forEach(cells::add);
        ArrayNode values = n.putArray("values");
        g.values().forEach(values::add);
    }

    /** One row per checked group or pair, plus one per missing item, so a spreadsheet shows every number. */
    public static String csv(GoldenReport report) {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            p.printRecord(CSV_HEADER);
            for (ClaimResult c : report.claims()) {
                for (SubResult s : c.results()) {
                    List<String> row = new ArrayList<>(List.of(c.id(), c.outcome().name(), c.kind(), c.quantity(),
                            s.label(), Double.toString(s.value()), s.bound(), Boolean.toString(s.holds()),
                            Double.toString(s.se())));
                    row.addAll(groupCells(s.left()));
                    row.addAll(groupCells(s.right()));
                    row.add(s.detail());
                    p.printRecord(row);
                }
                for (String m : c.missing()) {
                    p.printRecord(missingRow(c, "missing: " + m));
                }
                if (c.results().isEmpty() && c.missing().isEmpty()) {
                    p.printRecord(missingRow(c, c.explanation()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static List<String> missingRow(ClaimResult c, String detail) {
        List<String> row = new ArrayList<>(List.of(c.id(), c.outcome().name(), c.kind(), c.quantity()));
        while (row.size() < CSV_HEADER.size() - 1) {
            row.add("");
        }
        row.add(detail);
        return row;
    }

    private static List<String> groupCells(GroupStats g) {
        if (g == null) {
            return List.of("", "", "", "");
        }
        return List.of(g.group(), Double.toString(g.mean()), Double.toString(g.std()), Integer.toString(g.n()));
    }

    /** The console table: one line per claim, then a summary line. */
    public static String table(GoldenReport report) {
        int idWidth = "CLAIM".length();
        for (ClaimResult c : report.claims()) {
            idWidth = Math.max(idWidth, c.id().length());
        }
        int outcomeWidth = "UNEXPECTED_PASS".length();
        StringBuilder sb = new StringBuilder();
        sb.append(pad("CLAIM", idWidth)).append("  ").append(pad("OUTCOME", outcomeWidth)).append("  DETAIL\n");
        for (ClaimResult c : report.claims()) {
            String prefix = c.id() + ": " + c.outcome() + " ";
            String detail = c.explanation().startsWith(prefix) ? c.explanation().substring(prefix.length())
                    : c.explanation();
            sb.append(pad(c.id(), idWidth)).append("  ").append(pad(c.outcome().name(), outcomeWidth)).append("  ")
                    .append(detail).append('\n');
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Outcome, Integer> e : report.counts().entrySet()) {
            if (e.getValue() > 0) {
                parts.add(e.getValue() + " " + e.getKey().name());
            }
        }
        sb.append(report.claims().size()).append(" claim").append(report.claims().size() == 1 ? "" : "s")
                .append(": ").append(String.join(", ", parts)).append('\n');
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
