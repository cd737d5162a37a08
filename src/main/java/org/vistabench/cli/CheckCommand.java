package org.vistabench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vistabench.core.FileError;
import org.vistabench.core.FileErrorsException;
import org.vistabench.golden.GoldenCheck;
import org.vistabench.golden.GoldenReport;
import org.vistabench.golden.GoldenReportWriter;
import org.vistabench.run.GoldenGate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vistabench check}: evaluates a golden file against a results folder. */
@Command(name = "check", mixinStandardHelpOptions = true,
        header = "Check a results folder against golden claims.",
        description = {"Check a results folder against golden claims: reads RESULTS/tables/metrics.csv, prints each "
                + "claim's outcome with its measured numbers, writes RESULTS/golden.json and RESULTS/golden.csv."},
        footer = {"", "Examples:",
            "  vistabench check results/mini          the golden file the run's spec names",
            "  vistabench check results/mini --golden golden/mini.yaml",
            "  vistabench check results/paper --golden golden/vista-paper.yaml \\",
            "      --allow-missing",
            "", "Outcomes: PASS, FAIL, NOT_EVALUATED (a cell or metric is missing),",
            "KNOWN_FAIL (a claim marked known_failure that fails as recorded),",
            "UNEXPECTED_PASS (marked known_failure but passes).",
            "", "Exit codes: 0 every claim PASS or KNOWN_FAIL (NOT_EVALUATED too with",
            "            --allow-missing); 1 otherwise; 2 a malformed golden file or a",
            "            missing/malformed metrics table."})
public final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RESULTS", description = "A results folder (holding tables/metrics.csv).")
    Path results;

    @Option(names = "--golden", paramLabel = "FILE",
            description = "The golden YAML file (default: the one the run's spec names, found through run.json).")
    Path golden;

    @Option(names = "--allow-missing",
            description = "Exit 0 even when some claims could not be evaluated (missing cells or metrics).")
    boolean allowMissing;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GoldenReport report;
        try {
            report = GoldenCheck.check(results, golden != null ? golden : GoldenGate.goldenOf(results), allowMissing);
        } catch (FileErrorsException e) {
            if (e.errors().isEmpty()) {
                throw e;
            }
            // One line per problem: Main would fold them into a single line.
            for (FileError g : e.errors()) {
                err.println("error: " + g);
            }
            return e.exitCode();
        }
        out.print(GoldenReportWriter.table(report));
        out.println("wrote " + results.resolve(GoldenCheck.JSON) + " and " + results.resolve(GoldenCheck.CSV));
        out.flush();
        return report.exitCode(allowMissing);
    }
}
