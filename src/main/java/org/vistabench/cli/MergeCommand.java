package org.vistabench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vistabench.core.ExitCodes;
import org.vistabench.run.Merger;
import org.vistabench.run.ResultsStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vistabench merge}: join results folders of one spec (e.g. shards) into one. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        header = "Join results folders of the same spec into one.",
        description = {"Join results folders of the same spec (shards, or runs on several machines)",
            "into one folder. The inputs must hold the same spec file (sha256), run with",
            "the same --set/--limit overrides and seeds. Done cells are copied; a cell done",
            "in two inputs must have byte-identical metrics.json (one copy is kept, and",
            "said so). The LLM judge's cache (judge/) is united. Every cell of the spec's",
            "matrix that is not done in the merged folder is named."},
        footer = {"", "Examples:",
            "  vistabench merge results/mini-s0 results/mini-s1 results/mini-s2 \\",
            "      --out results/mini",
            "  vistabench check results/mini     then check the claims on the merged folder",
            "", "Exit codes: 0 merged, every cell of the spec done; 1 merged, but cells of",
            "            the spec are not done (shards missing, failed cells): named;",
            "            --allow-missing gives 0; 2 the inputs are of different specs,",
            "            overrides or seeds, disagree on a cell, or are not results folders",
            "            (nothing is written)."})
public final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Results folders to join.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The merged results folder.")
    Path out;

    @Option(names = "--allow-missing",
            description = "Exit 0 even when cells of the spec are missing from the merged folder (they are still "
                    + "named).")
    boolean allowMissing;

    /** The option's name before issue #19 (exit 3 then); kept so that older scripts still run. */
    @Option(names = "--allow-partial", hidden = true)
    boolean allowPartial;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        boolean acceptMissing = allowMissing || allowPartial;
        Merger.Summary s = Merger.merge(inputs, out);
        PrintWriter stdout = command.commandLine().getOut();
        stdout.println("merge: " + s.copied() + " cells copied, " + s.identical() + " duplicates identical, "
                + s.notDone() + " not done" + (s.judged() > 0 ? ", " + s.judged() + " judge cache files" : "")
                + " -> " + out + " (" + s.table().rows().size() + " metric rows in "
                + ResultsStore.TABLES + "/" + ResultsStore.METRICS_CSV + ")");
        s.duplicates().forEach(d -> stdout.println("  duplicate: " + d));
        if (!s.missing().isEmpty()) {
            stdout.println("merge: " + s.missing().size() + " of " + s.matrix() + " cells of the spec are not done in "
                    + out + " (a shard not merged, or failed/unfinished cells):");
            s.missing().forEach(id -> stdout.println("  missing: " + id));
            stdout.println("  run them (e.g. 'vistabench run SPEC --cells ID --out DIR'), then merge again"
                    + (acceptMissing ? "" : "; --allow-missing accepts a partial merge"));
        } else if (s.matrix() == 0) {
            stdout.println("merge: the inputs do not record their spec's matrix (written by an older vistabench): "
                    + "cells missing from every input cannot be named");
        }
        stdout.flush();
        // exit 1, as 'check' and 'run' use it for claims not evaluated: the merged folder is not the whole spec
        return s.missing().isEmpty() || acceptMissing ? ExitCodes.OK : ExitCodes.CLAIM_FAILED;
    }
}
