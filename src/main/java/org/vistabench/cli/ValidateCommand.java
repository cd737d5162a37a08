package org.vistabench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vistabench.cell.SpecFiles;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.FileErrorsException;
import org.vistabench.golden.GoldenFit;
import org.vistabench.run.MemoryCheck;
import org.vistabench.spec.Cell;
import org.vistabench.spec.MatrixExpander;
import org.vistabench.spec.Overrides;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecError;
import org.vistabench.spec.SpecException;
import org.vistabench.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;

/** {@code vistabench validate SPEC}: loads and checks a spec, expands its matrix, writes nothing. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Check a spec file and its golden file; write nothing.",
        description = {"Check a spec file: YAML syntax, every key, type and range, ids, layer-set",
            "references, that the matrix has at least one cell; the files it names: each",
            "model, SAE and label path resolves (world:, hf: cache, disk), encoder and SAE",
            "layers exist in the models' configs; and its golden file: well",
            "formed, every claim's metrics from a provider the spec runs, its selections",
            "naming the spec's encoders, LLMs, layer sets and controls.",
            "Warns when a cell's estimated peak memory exceeds what this machine has",
            "(models read from their config files; a mini world not built yet is skipped).",
            "Reports every problem at once as file:line:col: key.path: message.",
            "Writes nothing."},
        footer = {"", "Examples:",
            "  vistabench validate specs/mini.yaml         prints 'ok: <n> cells', exit 0",
            "  COCO_DIR=/data/coco vistabench validate specs/paper.yaml",
            "  vistabench validate --check-files specs/paper.yaml   all missing files",
            "  vistabench validate specs/mini.yaml --set train.steps=50",
            "", "Exit codes: 0 the spec is valid, 2 it is not (every error on stderr)."})
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPEC", description = "The spec file (YAML), see specs/README.md.")
    Path specFile;

    @picocli.CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec value before it is checked, as 'run --set' does (repeatable).")
    List<String> sets;

    @picocli.CommandLine.Option(names = "--limit", paramLabel = "N",
            description = "Cap the evaluation images at N, as 'run --limit' does.")
    Integer limit;

    @picocli.CommandLine.Option(names = "--check-files", description = {"Also resolve every file the cells will"
            + " read (model configs, tokenizers, every weight shard, each chosen SAE file, label files, data files)"
            + " and list each missing one (stat calls only; run always does this)."})
    boolean checkFiles;

    @picocli.CommandLine.Spec
    CommandSpec command;

    @Override
    public Integer call() {
        Spec spec;
        List<SpecError> missing = List.of();
        Overrides overrides;
        try {
            overrides = Overrides.of(sets, limit);
            if (checkFiles) {
                SpecLoader.Loaded loaded = SpecLoader.loadListingMissingFiles(specFile, overrides);
                spec = loaded.spec();
                missing = loaded.missingFiles();
            } else {
                spec = SpecLoader.load(specFile, overrides);
            }
        } catch (SpecException e) {
            return report(command.commandLine().getErr(), e);
        }
        List<SpecError> files = new java.util.ArrayList<>(missing);
        for (SpecError f : overrides.relocate(SpecFiles.check(spec, checkFiles))) {
            if (missing.stream().noneMatch(m -> m.keyPath().equals(f.keyPath()))) {
                files.add(f); // a data file the loader already listed is not listed twice
            }
        }
        files.sort(java.util.Comparator.comparingInt(SpecError::line)); // file order: grouped by model
        if (!files.isEmpty()) {
            return report(command.commandLine().getErr(), new SpecException(files));
        }
        try {
            GoldenFit.loadAndCheck(spec);
        } catch (FileErrorsException e) {
            if (e.errors().isEmpty()) {
                throw e;
            }
            PrintWriter err = command.commandLine().getErr();
            e.errors().forEach(g -> err.println("error: " + g));
            err.flush();
            return e.exitCode();
        }
        spec.sameLayerSetWarnings().forEach(w -> command.commandLine().getErr().println("warning: " + w));
        List<Cell> cells = MatrixExpander.expand(spec);
        MemoryCheck.warnings(spec, cells).forEach(w -> command.commandLine().getErr().println("warning: " + w));
        command.commandLine().getOut().println("ok: " + cells.size() + " cells");
        return ExitCodes.OK;
    }

    /** One line per error, so editors and CI annotations can jump to each; shared with {@code plan}. */
    static int report(PrintWriter err, SpecException e) {
        for (SpecError error : e.errors()) {
            err.println("error: " + error);
        }
        if (e.errors().size() > 1) {
            err.println(e.errors().size() + " errors in " + e.errors().get(0).file());
        }
        err.flush();
        return e.exitCode();
    }
}
