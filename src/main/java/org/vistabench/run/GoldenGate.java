package org.vistabench.run;

import java.nio.file.Path;
import org.vistabench.golden.GoldenCheck;
import org.vistabench.golden.GoldenReport;
import org.vistabench.golden.GoldenReportWriter;

/**
 * The run's last stage: checks the golden claims against {@code tables/metrics.csv} and writes {@code golden.json}
 * and {@code golden.csv} into the results folder (the same check as {@code vistabench check}).
 */
public final class GoldenGate {
    /**
     * @param exitCode 0 every claim holds (or is a known failure), 1 a claim failed or was not evaluated
     * @param table    the outcomes as a terminal table
     */
    public record Outcome(int exitCode, String table) {
    }

    private GoldenGate() {
    }

    public static Outcome check(Path results, Path goldenFile, boolean allowMissing) {
        GoldenReport report = GoldenCheck.check(results, goldenFile, allowMissing);
        return new Outcome(report.exitCode(), GoldenReportWriter.table(report));
    }
}
