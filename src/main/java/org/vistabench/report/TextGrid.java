package org.vistabench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A small table for people, rendered as fixed-width text for the terminal (columns two spaces apart, cut to a line
 * width) or as a Markdown table.
 *
 * @param right per column, whether it is right-aligned (numbers)
 */
record TextGrid(List<String> header, List<Boolean> right, List<List<String>> rows) {
    TextGrid {
        header = List.copyOf(header);
        right = List.copyOf(right);
        rows = rows.stream().map(List::copyOf).toList();
    }

    /** Fixed-width lines, each at most {@code maxWidth} characters (a longer line ends with {@code …}). */
    String text(int maxWidth) {
        int[] w = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                String f = r.get(i);
                String pad = " ".repeat(w[i] - f.length());
                line.append(right.get(i) ? pad + f : f + pad).append(i + 1 < w.length ? "  " : "");
            }
            String l = line.toString().stripTrailing();
            sb.append(l.length() > maxWidth ? l.substring(0, maxWidth - 1) + "…" : l).append('\n');
        }
        return sb.toString();
    }

    /** A Markdown table ({@code |} in cells escaped). */
    String markdown() {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        sb.append('|');
        right.forEach(r -> sb.append(r ? "---:|" : "---|"));
        sb.append('\n');
        rows.forEach(r -> line(sb, r));
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        sb.append('|');
        cells.forEach(c -> sb.append(' ').append(c.replace("|", "\\|")).append(" |"));
        sb.append('\n');
    }
}
