package org.vistabench.run;

import java.util.List;
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
        // Allure attaches the tables and figures the parts before it wrote, so it comes after them
        return List.of(new AllurePart(), new DashboardPart());
    }
}
