package org.vistabench.run;

import java.nio.file.Path;

/**
 * The run's last stage: checks the golden claims against {@code tables/metrics.csv} and writes {@code golden.json}
 * and {@code golden.csv} into the results folder. MERGE NOTE: replace the reflection by the direct calls in the
 * comments ({@code GoldenCheck} is the golden package's entry point for exactly this).
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
        // GoldenReport report = GoldenCheck.check(results, goldenFile, allowMissing);
        Object report = Reflect.callStatic("org.vistabench.golden.GoldenCheck", "check",
                new Class<?>[] {Path.class, Path.class, boolean.class}, results, goldenFile, allowMissing);
        // String table = GoldenReportWriter.table(report);
        String table = (String) Reflect.callStatic("org.vistabench.golden.GoldenReportWriter", "table",
                new Class<?>[] {report.getClass()}, report);
        // return new Outcome(report.exitCode(), table);
        return new Outcome((Integer) Reflect.callInstance(report, "exitCode"), table);
    }
}
