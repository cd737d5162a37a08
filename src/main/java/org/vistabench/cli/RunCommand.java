package org.vistabench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToIntBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.run.CellGlob;
import org.vistabench.run.GoldenGate;
import org.vistabench.run.MetricProvider;
import org.vistabench.run.ResultsStore;
import org.vistabench.run.RunSummary;
import org.vistabench.run.Runner;
import org.vistabench.run.Shard;
import org.vistabench.run.SpecLink;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vistabench run}: load, expand and filter the matrix, run its cells into a results folder, check claims. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run every cell of a spec (or a shard/subset of them) into a results folder, "
                + "then check the golden claims.",
        footer = {"", "Examples:",
            "  vistabench run specs/mini.yaml                        all cells into results/<spec name>/",
            "  vistabench run specs/mini.yaml --resume               continue after a crash or kill",
            "  vistabench run specs/mini.yaml --shard 0/4 --out results/mini-s0",
            "                                                        first of 4 shards (join them with 'merge')",
            "  vistabench run specs/mini.yaml --cells '*__early__*'  only cells whose id matches",
            "", "Exit codes: 0 ok and all claims hold, 1 a golden claim failed, 2 spec or usage error,",
            "            3 a cell failed to run (the others still ran), 4 unexpected internal error."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    /** The golden check as the run uses it (tests replace it). */
    @FunctionalInterface
    interface GoldenCheck {
        GoldenGate.Outcome check(Path results, Path goldenFile, boolean allowMissing);
    }

    @Parameters(index = "0", paramLabel = "SPEC", description = "The spec file (YAML).")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Results folder (default: results/<spec name>).")
    Path out;

    @Option(names = "--shard", paramLabel = "i/N", converter = ShardConverter.class,
            description = "Run only shard i of N, counted from 0 (e.g. 0/4). A cell's shard depends only on its id.")
    Shard shard;

    @Option(names = "--cells", paramLabel = "GLOB",
            description = "Run only cells whose id matches a glob (* and ?; several separated by commas).")
    String cells;

    @Option(names = "--resume", description = "Continue a run in the same folder: skip done cells, redo the rest.")
    boolean resume;

    @Option(names = "--allow-missing",
            description = "A golden claim whose metrics are missing does not fail the run (NOT_EVALUATED).")
    boolean allowMissing;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    // The calls into other packages, as fields so that tests can run the command on hand-made specs.
    Function<Path, Spec> loader = SpecLink::load;
    Function<Spec, List<Cell>> expander = SpecLink::expand;
    ToIntBiFunction<String, Integer> shardOf = SpecLink::shardOf;
    java.util.function.Supplier<List<MetricProvider>> providers = Runner::discover;
    GoldenCheck golden = GoldenGate::check;
    boolean progressBar = System.console() != null && System.getenv("CI") == null;

    @Override
    public Integer call() {
        // Everything that can be wrong with the spec or the options fails here, before the folder is touched.
        Spec spec = loader.apply(specFile);
        List<Cell> selected = expander.apply(spec);
        int total = selected.size();
        if (cells != null) {
            selected = CellGlob.parse(cells).select(selected);
        }
        if (shard != null) {
            selected = shard.select(selected, shardOf);
        }
        Runner runner = new Runner(spec, providers.get());
        Path dir = out != null ? out : Path.of("results", spec.name());
        PrintWriter stdout = command.commandLine().getOut();

        int goldenExit = ExitCodes.OK;
        RunSummary summary;
        try (ResultsStore store = ResultsStore.open(dir, spec, resume, describe())) {
            if (selected.isEmpty()) {
                LOG.warn("shard {} holds none of the {} cells; the folder records an empty run", shard, total);
            }
            LOG.info("running {} of {} cells of {} into {} (stages: {})", selected.size(), total, specFile, dir,
                    String.join(", ", runner.stageNames()));
            summary = runner.run(selected, store, new Runner.Options(resume, progressBar));
            int rows = store.rebuildTables().rows().size();
            stdout.println("run: " + summary + " -> " + dir + " (" + rows + " metric rows in "
                    + ResultsStore.TABLES + "/" + ResultsStore.METRICS_CSV + ")");
            for (String id : summary.failedCells()) {
                stdout.println("  failed: " + id + " (see " + dir.resolve(ResultsStore.CELLS).resolve(id)
                        .resolve(ResultsStore.ERROR) + ")");
            }
            if (spec.golden() != null) {
                if (shard != null) {
                    LOG.warn("golden claims are not checked on one shard: merge the shards, then run "
                            + "'vistabench check' on the merged folder");
                } else {
                    GoldenGate.Outcome o = golden.check(dir, spec.golden(), allowMissing);
                    stdout.print(o.table());
                    goldenExit = o.exitCode();
                }
            }
        }
        stdout.flush();
        return summary.anyFailed() ? ExitCodes.CELL_FAILED : goldenExit;
    }

    /** How this session is recorded in run.json. */
    private String describe() {
        List<String> parts = new ArrayList<>(List.of("run", String.valueOf(specFile)));
        if (resume) {
            parts.add("--resume");
        }
        if (shard != null) {
            parts.add("--shard " + shard);
        }
        if (cells != null) {
            parts.add("--cells '" + cells + "'");
        }
        return String.join(" ", parts);
    }

    /** {@code --shard} text to a {@link Shard}; a bad value is a usage error (exit 2) quoting it. */
    static final class ShardConverter implements CommandLine.ITypeConverter<Shard> {
        @Override
        public Shard convert(String value) {
            try {
                return Shard.parse(value);
            } catch (org.vistabench.VistaException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
