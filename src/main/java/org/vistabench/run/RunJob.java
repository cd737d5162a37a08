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
import org.vistabench.core.StopRequest;
import org.vistabench.eval.MetricProvider;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Overrides;
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
     * @param out         results folder, or null for {@code results/<spec name>}
     * @param shard       null for every cell
     * @param cells       comma-separated cell-id globs, or null for every cell
     * @param progressBar the cells' progress bar
     * @param progress    false under {@code --no-progress}: no progress bars at all (cells, training, features, world)
     * @param maxMemory   {@code --max-memory} in bytes, or null for what the machine has available
     * @param overrides   {@code --set} / {@code --limit}: already applied by the loader; recorded in run.json as part
     *                    of the folder's spec identity
     */
    public record Request(Path specFile, Path out, Shard shard, String cells, boolean resume, boolean allowMissing,
                          boolean progressBar, boolean progress, Long maxMemory, Overrides overrides) {
        public Request {
            overrides = overrides == null ? Overrides.none() : overrides;
        }

        public Request(Path specFile, Path out, Shard shard, String cells, boolean resume, boolean allowMissing,
                       boolean progressBar, boolean progress, Long maxMemory) {
            this(specFile, out, shard, cells, resume, allowMissing, progressBar, progress, maxMemory, null);
        }
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

    /**
     * Runs the request, printing the summary and the claims table to {@code stdout}; returns the exit code. SIGTERM
     * or SIGINT during the run stop it at its next safe point ({@link StopOnSignal}): the session is recorded as
     * stopped, the lock released, one line says where it stopped and how to continue, and the exit code is 128 + the
     * signal's number (143 for SIGTERM).
     */
    public static int execute(Request r, Collaborators c, PrintWriter stdout) {
        // Everything that can be wrong with the spec or the options fails here, before the folder is touched.
        Spec spec = c.loader().apply(r.specFile());
        List<Cell> matrix = c.expander().apply(spec);
        List<Cell> selected = matrix;
        if (r.cells() != null) {
            selected = CellGlob.parse(r.cells()).select(selected);
        }
        if (r.shard() != null) {
            selected = r.shard().select(selected, c.shardOf());
        }
        Runner runner = new Runner(spec, c.providers().get());
        Path dir = r.out() != null ? r.out() : Path.of("results", spec.name());
        try (StopOnSignal signals = StopOnSignal.install(System.err)) {
            long t0 = System.nanoTime();
            // reads the models' shapes; a world: spec's world is built here when it is not cached yet
            MemoryCheck.check(spec, selected, r.maxMemory() == null ? MemoryCheck.machine()
                    : new MemoryCheck.Limit(r.maxMemory(), "--max-memory", true), r.progress());
            runner.beforeCells((System.nanoTime() - t0) / 1e9);
            StopRequest.check("before the run started (nothing was written to " + dir + ")");
            return run(r, c, spec, matrix, selected, runner, dir, stdout);
        } catch (StopRequest.Stopped s) {
            Request again = new Request(r.specFile(), dir, r.shard(), r.cells(), true, r.allowMissing(),
                    r.progressBar(), r.progress(), r.maxMemory(), r.overrides());
            stdout.println("vistabench: " + s.getMessage() + "; continue with: vistabench " + describe(again)
                    + " --out " + dir);
            stdout.flush();
            return s.exitCode();
        }
    }

    private static int run(Request r, Collaborators c, Spec spec, List<Cell> matrix, List<Cell> selected,
                           Runner runner, Path dir, PrintWriter stdout) {
        int total = matrix.size();
        int goldenExit = ExitCodes.OK;
        RunSummary summary;
        try (ResultsStore store = ResultsStore.open(dir, spec, r.overrides().canonical(), r.resume(),
                describe(r))) {
            if (selected.isEmpty()) {
                LOG.warn("shard {} holds none of the {} cells; the folder records an empty run", r.shard(), total);
            }
            LOG.info("running {} of {} cells of {} into {} (stages: {})", selected.size(), total, r.specFile(), dir,
                    String.join(", ", runner.stageNames()));
            store.recordMatrix(matrix);
            store.recordCheckpoints(Provenance.checkpoints(spec, selected, new Provenance.Hasher()));
            try {
                summary = runner.run(selected, store, new Runner.Options(r.resume(), r.progressBar(),
                        r.progress()));
            } catch (StopRequest.Stopped s) {
                store.stopped();
                throw s;
            }
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
        // the folder is closed (run.json has this session's end): the report reads it as 'report' would
        stdout.println(ReportParts.afterRun(dir));
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
        if (r.maxMemory() != null) {
            parts.add("--max-memory " + r.maxMemory());
        }
        return String.join(" ", parts) + r.overrides().asArguments();
    }
}
