package org.vistabench.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.golden.GoldenCheck;
import org.vistabench.golden.GoldenReport;
import org.vistabench.golden.GoldenReportWriter;
import org.vistabench.spec.Overrides;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

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

    /**
     * The golden file a results folder was run against: {@code run.json} records the spec, whose {@code golden:}
     * names it. Exit 2 when the folder has no manifest, the spec is no longer where it was run from, or it names no
     * golden file; the message says to pass {@code --golden}.
     */
    public static Path goldenOf(Path results) {
        RunManifest m = ResultsStore.readManifest(results).orElseThrow(() -> new VistaException(ExitCodes.USAGE,
                results + ": no " + ResultsStore.MANIFEST + " to find the golden file in; pass --golden FILE"));
        Path specFile = Path.of(m.spec().file());
        if (!Files.isRegularFile(specFile)) {
            throw new VistaException(ExitCodes.USAGE, results + ": " + ResultsStore.MANIFEST + " says the run's spec was "
                    + specFile + ", which is not there from " + Path.of("").toAbsolutePath() + "; pass --golden FILE");
        }
        // as it was run: a --set golden=... or a spec that validates only with its overrides
        Spec spec = SpecLoader.load(specFile, Overrides.fromCanonical(m.spec().overrides()));
        if (spec.golden() == null) {
            throw new VistaException(ExitCodes.USAGE, specFile + " names no golden file; pass --golden FILE");
        }
        return spec.golden();
    }

    public static Outcome check(Path results, Path goldenFile, boolean allowMissing) {
        GoldenReport report = GoldenCheck.check(results, goldenFile, allowMissing);
        return new Outcome(report.exitCode(), GoldenReportWriter.table(report));
    }
}
