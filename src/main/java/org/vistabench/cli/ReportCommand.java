package org.vistabench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vistabench.core.ExitCodes;
import org.vistabench.report.ConsoleSummary;
import org.vistabench.report.Report;
import org.vistabench.report.ReportInput;
import org.vistabench.report.ReportPart;
import org.vistabench.run.ReportInputs;
import org.vistabench.run.ReportParts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vistabench report}: the paper's tables, figures and summary of a results folder. */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Write a results folder's report: paper tables, figures, summary.md.",
        description = {"Write the report of a results folder into DIR (default RESULTS/report): summary.md (run "
                + "facts, the claims, key numbers, links), tables/*.csv in the paper's layouts (cell groups with "
                + "seed mean, sd and n; each documented in tables/*.md), figures/*.png (match rate and SAE "
                + "reconstruction across layers, the trade-off, localization heat maps, steering examples). "
                + "Failed or missing cells are marked, never fatal. Prints the claims and key numbers."},
        footer = {"", "Examples:",
            "  vistabench report results/mini",
            "  vistabench report results/mini --out /tmp/mini-report --html",
            "", "Exit codes: 0 ok, 2 not a results folder, 4 the report could not be written."})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RESULTS", description = "A results folder (written by run or merge).")
    Path results;

    @CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "Where the report goes (default: RESULTS/report).")
    Path out;

    @CommandLine.Option(names = "--html", description = "Also build the static Allure site (offline).")
    boolean html;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        ReportInput in = ReportInputs.read(results);
        Path dir = out != null ? out : ReportParts.defaultDir(results);
        List<Report.Written> written = Report.write(in, dir, new ReportPart.Options(html), ReportParts.standard());
        PrintWriter stdout = command.commandLine().getOut();
        stdout.print(ConsoleSummary.text(in));
        stdout.println();
        for (Report.Written w : written) {
            stdout.println(w.part() + ": " + w.files().size() + " file" + (w.files().size() == 1 ? "" : "s") + " -> "
                    + dir.resolve(w.files().isEmpty() ? Path.of("") : w.files().get(0).getName(0)));
        }
        stdout.flush();
        return ExitCodes.OK;
    }
}
