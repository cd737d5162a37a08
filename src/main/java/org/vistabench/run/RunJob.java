package org.vistabench.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.eval.MetricProvider;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/**
 * One {@code vistabench run}: load and expand the spec, select cells (glob, shard), run them into a results folder,
 * rebuild the tables and check the golden claims. The CLI only parses options into a {@link Request}.
 */
public final class RunJob {
    private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

    /**
     * What the user asked for.
     *
     * @param out   results folder, or null for {@code results/<spec name>}
     * @param shard null for every cell
     * @param cells comma-separated cell-id globs, or null for every cell
     */
    public record Request(Path specFile, Path out, Shard shard, String cells, boolean resume, boolean allowMissing,
                          boolean progressBar) {
    }

    /** The golden check as the run uses it (tests replace it). */
    @FunctionalInterface
    public interface GoldenCheck {
        GoldenGate.Outcome check(Path results, Path goldenFile, boolean allowMissing);
    }

    /** The calls into other packages, replaceable so that tests can run on hand-made specs. */
    public record Collaborators(Function<Path, Spec> loader, Function<Spec, List<Cell>> expander,
                                ToIntBiFunction<String, Integer> shardOf, Supplier<List<MetricProvider>> providers,
                                GoldenCheck golden) {
        public static Collaborators defaults() {
            return new Collaborators(SpecLink::load, SpecLink::expand, SpecLink::shardOf, Runner::discover,
                    GoldenGate::check);
        }
    }

    private RunJob() {
    }

    /** Runs the request, printing the summary and the claims table to {@code stdout}; returns the exit code. */
    public static int execute(Request r, Collaborators c, PrintWriter stdout) {
        // Everything that can be wrong with the spec or the options fails here, before the folder is touched.
        Spec spec = c.loader().apply(r.specFile());
        List<Cell> matrix = c.expander().apply(spec);
        List<Cell> selected = matrix;
        int total = selected.size();
        if (r.cells() != null) {
            selected = CellGlob.parse(r.cells()).select(selected);
        }
        if (r.shard() != null) {
            selected = r.shard().select(selected, c.shardOf());
        }
        Runner runner = new Runner(spec, c.providers().get());
        Path dir = r.out() != null ? r.out() : Path.of("results", spec.name());

        int goldenExit = ExitCodes.OK;
        RunSummary summary;
        try (ResultsStore store = ResultsStore.open(dir, spec, r.resume(), describe(r))) {
            if (selected.isEmpty()) {
                LOG.warn("shard {} holds none of the {} cells; the folder records an empty run", r.shard(), total);
            }
            LOG.info("running {} of {} cells of {} into {} (stages: {})", selected.size(), total, r.specFile(), dir,
                    String.join(", ", runner.stageNames()));
            store.recordMatrix(matrix);
            summary = runner.run(selected, store, new Runner.Options(r.resume(), r.progressBar()));
            int rows = store.rebuildTables().rows().size();
            stdout.println(runner.timeBreakdown());
            stdout.println("run: " + summary + " -> " + dir + " (" + rows + " metric rows in "
                    + ResultsStore.TABLES + "/" + ResultsStore.METRICS_CSV + ")");
            for (String id : summary.failedCells()) {
                stdout.println("  failed: " + id + " (see " + dir.resolve(ResultsStore.CELLS).resolve(id)
                        .resolve(ResultsStore.ERROR) + ")");
            }
            if (spec.golden() != null) {
                if (r.shard() != null) {
                    LOG.warn("golden claims are not checked on one shard: merge the shards, then run "
                            + "'vistabench check' on the merged folder");
                } else {
                    GoldenGate.Outcome o = c.golden().check(dir, spec.golden(), r.allowMissing());
                    stdout.print(o.table());
                    goldenExit = o.exitCode();
                }
            }
        }
        stdout.flush();
        return summary.anyFailed() ? ExitCodes.CELL_FAILED : goldenExit;
    }

    /** How this session is recorded in run.json. */
    static String describe(Request r) {
        List<String> parts = new ArrayList<>(List.of("run", String.valueOf(r.specFile())));
        if (r.resume()) {
            parts.add("--resume");
        }
        if (r.shard() != null) {
            parts.add("--shard " + r.shard());
        }
        if (r.cells() != null) {
            parts.add("--cells '" + r.cells() + "'");
        }
        return String.join(" ", parts);
    }
}
