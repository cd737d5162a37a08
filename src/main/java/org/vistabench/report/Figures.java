package org.vistabench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vistabench.io.AtomicFiles;

/**
 * The report's figures as PNG, {@code figures/<name>.png}, and {@code figures/README.md} listing each with its
 * caption, and each figure not drawn with the reason (absent metrics, records or images: never an error). The
 * folder is rebuilt as a whole. See {@link LayerFigures}, {@link TradeoffFigure}, {@link RecordFigures}.
 */
public final class Figures implements ReportPart {
    static final String DIR = "figures";

    static {
        // Charts and panels are drawn off screen, before any AWT class asks for a display (a CI runner has none).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    @Override
    public String name() {
        return "figures";
    }

    /** Every figure of the report, drawn or not, in the order the README lists them. */
    static List<Figure> plan(ReportData d) {
        List<Figure> all = new ArrayList<>(LayerFigures.plan(d));
        all.addAll(TradeoffFigure.plan(d));
        all.addAll(RecordFigures.plan(d));
        return all;
    }

    @Override
    public List<Path> write(ReportInput in, Path out, Options options) throws IOException {
        List<Figure> figures = plan(ReportData.of(in));
        return Report.rebuild(out, DIR, tmp -> {
            List<String> files = new ArrayList<>();
            for (Figure f : figures) {
                if (f.isDrawn()) {
                    AtomicFiles.write(tmp.resolve(f.file()), Charts.png(f.draw().get()));
                    files.add(f.file());
                }
            }
            AtomicFiles.writeString(tmp.resolve("README.md"), index(figures));
            files.add("README.md");
            return files;
        });
    }

    static String index(List<Figure> figures) {
        StringBuilder sb = new StringBuilder("# Figures\n\n");
        for (Figure f : figures) {
            if (f.isDrawn()) {
                sb.append("- [").append(f.title()).append("](").append(f.file()).append("): ").append(f.caption())
                        .append('\n');
            }
        }
        List<Figure> skipped = figures.stream().filter(f -> !f.isDrawn()).toList();
        if (!skipped.isEmpty()) {
            sb.append("\n## Not drawn\n\n");
            skipped.forEach(f -> sb.append("- `").append(f.file()).append("` (").append(f.title()).append("): ")
                    .append(f.skipped()).append('\n'));
        }
        return sb.toString();
    }

    /** A name part safe in a file name on any system. */
    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
