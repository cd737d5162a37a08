package org.vistabench.golden;

import java.nio.file.Files;
import java.nio.file.Path;
import org.vistabench.results.MetricsCsv;
import org.vistabench.results.MetricsTable;

/**
 * The golden check of a results folder, as {@code vistabench check} and the runner's final stage do it: read
 * {@code tables/metrics.csv}, evaluate, write {@code golden.json} and {@code golden.csv} beside {@code tables/}.
 */
public final class GoldenCheck {
    public static final String METRICS = "tables/metrics.csv";
    public static final String JSON = "golden.json";
    public static final String CSV = "golden.csv";

    private GoldenCheck() {
    }

    /** Loads the golden file first, so its errors show even when the results are missing too. */
    public static GoldenReport check(Path results, Path goldenFile, boolean allowMissing) {
        Golden golden = GoldenLoader.load(goldenFile);
        if (!Files.isDirectory(results)) {
            throw new GoldenException(results + ": results folder not found");
        }
        Path metrics = results.resolve(METRICS);
        if (!Files.isRegularFile(metrics)) {
            throw new GoldenException(metrics + ": metrics table not found (written by 'vistabench run' or 'merge')");
        }
        MetricsTable table = MetricsCsv.read(metrics);
        GoldenReport report = GoldenEvaluator.evaluate(golden, table, allowMissing);
        GoldenReportWriter.writeJson(results.resolve(JSON), report);
        GoldenReportWriter.writeCsv(results.resolve(CSV), report);
        return report;
    }
}
