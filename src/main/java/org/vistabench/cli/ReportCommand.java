package org.vistabench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vistabench.core.ExitCodes;
import org.vistabench.report.Report;
import org.vistabench.report.ReportInput;
import org.vistabench.report.ReportPart;
import org.vistabench.report.SummaryTable;
import org.vistabench.results.MetricsTable;
import org.vistabench.run.ReportInputs;
import org.vistabench.run.ReportParts;
import org.vistabench.run.ResultsStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vistabench report}: a summary of a results folder (cells × metrics). */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Print and write a results folder's cells x metrics table.",
        description = "Print a cells × metrics table of a results folder and write tables/summary.csv "
                + "(one row per cell, one column per metric).",
        footer = {"", "Examples:",
            "  vistabench report results/mini",
            "", "Exit codes: 0 ok, 2 not a results folder."})
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
        Report.write(in, out != null ? out : results.resolve("report"), new ReportPart.Options(html),
                ReportParts.standard());
        MetricsTable table = ResultsStore.readTable(results);
        SummaryTable summary = SummaryTable.of(table);
        Path file = results.resolve(ResultsStore.TABLES).resolve(SummaryTable.FILE);
        summary.write(file);
        PrintWriter stdout = command.commandLine().getOut();
        stdout.print(summary.text());
        stdout.println(summary.rows().size() + " cells, " + summary.metrics().size() + " metrics -> " + file);
        stdout.flush();
        return ExitCodes.OK;
    }
}
