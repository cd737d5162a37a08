package org.vistabench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs report parts in order over one input; a part's I/O failure stops the report (exit 4 upstream). */
public final class Report {
    private Report() {
    }

    /** What one part wrote. */
    public record Written(String part, List<Path> files) {
    }

    /** The parts {@code report} (and the end of {@code run}) writes, in order. */
    public static List<ReportPart> standard() {
        return List.of(new PaperTables(), new Figures(), new SummaryMarkdown());
    }

    public static List<Written> write(ReportInput in, Path out, ReportPart.Options options, List<ReportPart> parts) {
        List<Written> all = new ArrayList<>();
        for (ReportPart p : parts) {
            try {
                all.add(new Written(p.name(), p.write(in, out, options)));
            } catch (IOException e) {
                throw new UncheckedIOException("report " + p.name() + ": " + e.getMessage(), e);
            }
        }
        return all;
    }
}
