package org.vistabench.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;
import org.vistabench.core.VistaException;
import org.vistabench.eval.MetricProvider;
import org.vistabench.run.GoldenGate;
import org.vistabench.run.MemoryCheck;
import org.vistabench.run.RunJob;
import org.vistabench.run.Runner;
import org.vistabench.run.Shard;
import org.vistabench.run.SpecLink;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Overrides;
import org.vistabench.spec.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vistabench run}: load, expand and filter the matrix, run its cells into a results folder, check claims. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Train and score a spec's cells, then check the golden claims.", sortOptions = false,
        description = "Run every cell of a spec (or a shard/subset of them) into a results folder, "
                + "then check the golden claims.",
        footer = {"", "Examples:",
            "  vistabench run specs/mini.yaml            all cells into results/<spec name>/",
            "  vistabench run specs/mini.yaml --resume   go on after a crash, kill or stop",
            "  vistabench run specs/mini.yaml --shard 0/4 --out results/mini-s0",
            "                                            first of 4 shards (join: 'merge')",
            "  vistabench run specs/mini.yaml --cells '*__early__*'",
            "                                            only cells whose id matches",
            "  vistabench run specs/mini.yaml --set train.steps=50 --limit 8",
            "                                            a smoke run: shorter, fewer images",
            "", "Exit codes: 0 ok and all claims hold; 1 a golden claim failed; 2 spec or usage",
            "            error (or a cell would not fit in memory); 3 a cell failed to run",
            "            (the others still ran); 4 unexpected internal error; 143 stopped by",
            "            SIGTERM (130: SIGINT) at a safe point: continue with --resume."})
public final class RunCommand implements Callable<Integer> {
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

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Refuse cells whose estimated peak memory exceeds SIZE (e.g. 3g, 512m; default: the"
                    + " memory available on this machine). Nothing is written when a cell is refused (exit 2).")
    Long maxMemory;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec value before it is checked, e.g. train.steps=50,"
                    + " metrics.qa.images=4, encoders[0].layer=-2 (repeatable; recorded in run.json: a --resume or"
                    + " merge must use the same).")
    List<String> sets;

    @Option(names = "--limit", paramLabel = "N",
            description = "Cap the evaluation images at N: train.eval_images (also when 0 = all) and every"
                    + " provider's 'images' (qa). Recorded like --set.")
    Integer limit;

    @Option(names = "--no-progress", description = "No progress bars (cells, training, features, world build).")
    boolean noProgress;

    @Option(names = "--judge", paramLabel = "KIND",
            description = "Who reads latent labels and steered answers: lexicon (default) or openai (the server "
                    + "named under judge: in the spec). Same as --set judge.kind=KIND.")
    String judge;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    // The calls into other packages, as fields so that tests can run the command on hand-made specs.
    Function<Path, Spec> loader = SpecLink::load;
    /** The loader under {@code --set} / {@code --limit} (tests that replace {@link #loader} run without overrides). */
    BiFunction<Path, Overrides, Spec> overridingLoader = SpecLink::load;
    Function<Spec, List<Cell>> expander = SpecLink::expand;
    ToIntBiFunction<String, Integer> shardOf = SpecLink::shardOf;
    Supplier<List<MetricProvider>> providers = Runner::discover;
    RunJob.GoldenCheck golden = GoldenGate::check;
    boolean progressBar = System.console() != null && System.getenv("CI") == null;

    @Override
    public Integer call() {
        // --judge KIND is the override judge.kind=KIND: validated like the spec, and part of the results folder's
        // identity in run.json (a resume or merge with another judge is refused)
        List<String> all = new java.util.ArrayList<>(sets == null ? List.of() : sets);
        if (judge != null) {
            all.add("judge.kind=" + judge);
        }
        Overrides overrides = Overrides.of(all, limit);
        Function<Path, Spec> load = overrides.isEmpty() ? loader : p -> overridingLoader.apply(p, overrides);
        return RunJob.execute(new RunJob.Request(specFile, out, shard, cells, resume, allowMissing,
                        progressBar && !noProgress, !noProgress, maxMemory, overrides),
                new RunJob.Collaborators(load, expander, shardOf, providers, golden),
                command.commandLine().getOut());
    }

    /** {@code --max-memory} text to bytes; a bad value is a usage error (exit 2) quoting it. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return MemoryCheck.parseSize(value);
            } catch (VistaException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --shard} text to a {@link Shard}; a bad value is a usage error (exit 2) quoting it. */
    static final class ShardConverter implements CommandLine.ITypeConverter<Shard> {
        @Override
        public Shard convert(String value) {
            try {
                return Shard.parse(value);
            } catch (VistaException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
