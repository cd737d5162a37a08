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
        description = "Join results folders of the same spec (shards, or runs on several machines) into one folder. "
                + "Done cells are copied; a cell done in two inputs must have identical metrics.",
        footer = {"", "Examples:",
            "  vistabench merge results/mini-s0 results/mini-s1 results/mini-s2 \\",
            "      --out results/mini",
            "  vistabench check results/mini     then check the claims on the merged folder",
            "", "Exit codes: 0 merged, every cell of the spec done; 2 the inputs are of",
            "            different specs, disagree on a cell, or are not results folders;",
            "            3 merged, but cells of the spec are not done in the merged folder",
            "            (shards missing, failed cells): named; --allow-partial gives 0."})
public final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Results folders to join.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The merged results folder.")
    Path out;

    @Option(names = "--allow-partial",
            description = "Exit 0 even when cells of the spec are missing from the merged folder (they are still named).")
    boolean allowPartial;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        Merger.Summary s = Merger.merge(inputs, out);
        PrintWriter stdout = command.commandLine().getOut();
        stdout.println("merge: " + s.copied() + " cells copied, " + s.identical() + " duplicates identical, "
                + s.notDone() + " not done -> " + out + " (" + s.table().rows().size() + " metric rows in "
                + ResultsStore.TABLES + "/" + ResultsStore.METRICS_CSV + ")");
        if (!s.missing().isEmpty()) {
            int shown = Math.min(s.missing().size(), 20);
            stdout.println("merge: " + s.missing().size() + " of " + s.matrix() + " cells of the spec are not done in "
                    + out + " (a shard not merged, or failed/unfinished cells):");
            s.missing().subList(0, shown).forEach(id -> stdout.println("  missing: " + id));
            if (shown < s.missing().size()) {
                stdout.println("  ... and " + (s.missing().size() - shown) + " more");
            }
            stdout.println("  run them (e.g. 'vistabench run SPEC --cells ID --out DIR'), then merge again"
                    + (allowPartial ? "" : "; --allow-partial accepts a partial merge"));
        } else if (s.matrix() == 0) {
            stdout.println("merge: the inputs do not record their spec's matrix (written by an older vistabench): "
                    + "cells missing from every input cannot be named");
        }
        stdout.flush();
        return s.missing().isEmpty() || allowPartial ? ExitCodes.OK : ExitCodes.CELL_FAILED;
    }
}
