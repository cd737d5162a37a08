package org.vistabench.run;

import java.util.List;
import org.vistabench.report.Report;
import org.vistabench.report.ReportPart;
import org.vistabench.report.allure.AllurePart;
import org.vistabench.report.dashboard.DashboardPart;

/**
 * The parts {@code report} (and the end of {@code run}) writes, in order. Listed here, above the report packages, so
 * that {@code report} (the part interface) and its sub-packages (the parts) do not depend on each other both ways.
 */
public final class ReportParts {
    private ReportParts() {
    }

    public static List<ReportPart> standard() {
        // the paper tables, figures and summary.md first: Allure attaches what they wrote
        List<ReportPart> all = new java.util.ArrayList<>(Report.paperParts());
        all.add(new AllurePart());
        all.add(new DashboardPart());
        return List.copyOf(all);
    }

    /** The report folder a run writes at its end (and {@code report} by default). */
    public static java.nio.file.Path defaultDir(java.nio.file.Path results) {
        return results.resolve("report");
    }

    /**
     * The end of a run: the report of the folder as it now is, into {@link #defaultDir}; a report that cannot be
     * written is a warning (the run's results and exit code stand), and {@code vistabench report} can redo it.
     *
     * @return the line to print (where the report went, or why there is none)
     */
    public static String afterRun(java.nio.file.Path results) {
        long t0 = System.nanoTime();
        try {
            java.nio.file.Path dir = defaultDir(results);
            Report.write(ReportInputs.read(results), dir, new ReportPart.Options(false), standard());
            return String.format(java.util.Locale.ROOT, "report: %s (summary.md, tables, figures, dashboard.html; "
                    + "%.1f s)", dir, (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException e) {
            return "report: not written (" + e.getMessage() + "); rerun 'vistabench report " + results + "'";
        }
    }
}
