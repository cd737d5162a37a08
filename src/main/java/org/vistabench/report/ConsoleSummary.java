package org.vistabench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code report} prints: lines of at most {@value #WIDTH} characters. The cells by status, the compact claims
 * table (claim, outcome, the deciding measurement, its bound), the key numbers per cell group, the cells that did not
 * finish; the full story is in summary.md.
 */
public final class ConsoleSummary {
    public static final int WIDTH = 100;
    /** The measured column's width at most (a missing item's name can be long; summary.md has it whole). */
    static final int MEASURED = 24;
    /** Cells that did not finish listed at most (a partial run of a large matrix lists them all in summary.md). */
    static final int UNFINISHED = 10;

    private ConsoleSummary() {
    }

    public static String text(ReportInput in) {
        ReportData d = ReportData.of(in);
        StringBuilder sb = new StringBuilder();
        sb.append("report of ").append(in.specName()).append(": ").append(d.cellCounts()).append('\n');
        Claims.of(in).ifPresentOrElse(g -> {
            sb.append("\nclaims (golden ").append(g.name()).append("): ").append(g.counts()).append('\n');
            List<List<String>> rows = new ArrayList<>();
            for (Claims.Row r : g.rows()) {
                rows.add(List.of(r.id(), r.outcome(), cut(r.measured(), MEASURED),
                        r.spread().replace(": no spread", ""), r.expected()));
            }
            sb.append(new TextGrid(List.of("CLAIM", "OUTCOME", "MEASURED", "SPREAD", "EXPECTED"),
                    List.of(false, false, false, false, false), rows).text(WIDTH));
        }, () -> sb.append("\nno golden.json: claims not checked\n"));
        sb.append("\nseed means per cell group (sd and n in the tables):\n");
        sb.append(KeyNumbers.grid(d).text(WIDTH));
        List<String> unfinished = d.unfinished();
        if (!unfinished.isEmpty()) {
            sb.append("\nnot finished:\n");
            unfinished.stream().limit(UNFINISHED).forEach(u -> sb.append(cut("  " + u, WIDTH)).append('\n'));
            if (unfinished.size() > UNFINISHED) {
                sb.append("  (+").append(unfinished.size() - UNFINISHED).append(" more: summary.md)\n");
            }
        }
        return sb.toString();
    }

    static String cut(String line, int width) {
        return line.length() > width ? line.substring(0, width - 1) + "…" : line;
    }
}
