package org.vistabench.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vistabench.core.ExitCodes;
import org.vistabench.parity.Parity;
import org.vistabench.tensor.TensorDiff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vistabench parity}: check a checkpoint against a Python reference dump. */
@Command(name = "parity", mixinStandardHelpOptions = true,
        header = "Compare a model, SAE or image processor with reference outputs.",
        description = {"Run a model (LM, vision encoder, SAE or image processor) on the inputs stored",
            "in a reference file and print, per output tensor, the max abs and max relative",
            "error.",
            "Exit 0 when every tensor is within tolerance, 1 otherwise (a tensor of another",
            "shape than the reference's is a shape mismatch, reported without reading it)."},
        footer = {"", "Examples:",
            "  vistabench parity src/test/resources/fixtures/hf-parity/gemma2-tiny-f32",
            "  vistabench parity my-dinov2/ --expected dump.safetensors --tolerance 1e-3",
            "  d=src/test/resources/fixtures/sae-formats/llama-scope-tiny",
            "  vistabench parity $d/Llama3_1-8B-Base-L2R-8x \\",
            "      --expected $d/expected.safetensors",
            "", "The reference file holds the inputs and outputs as written by the fixtures'",
            "make_fixtures.py (input_ids / inputs_embeds / <size>.pixel_values / x, and",
            "logits, hidden_states.i, ...).",
            "", "Exit codes: 0 every tensor within tolerance; 1 a tensor differs (or has",
            "            another shape); 2 usage error (not a model folder, bad option);",
            "            3 a model or reference file is missing or corrupt (named)."})
public final class ParityCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Model folder (config.json + safetensors), SAE "
            + "folder or params.npz, or an image-processor fixture folder.")
    Path model;

    @Option(names = "--expected", paramLabel = "FILE",
            description = "Reference outputs (default: MODEL_DIR/expected.safetensors).")
    Path expected;

    @Option(names = "--tolerance", paramLabel = "T",
            description = "Relative tolerance replacing the default (1e-4·max(1,max|ref|) for models, 1e-5 for SAEs).")
    Double tolerance;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (tolerance != null && !(tolerance > 0)) {
            throw new org.vistabench.core.VistaException(ExitCodes.USAGE, "--tolerance: expected a positive number, got "
                    + tolerance);
        }
        Parity.Result r = Parity.run(model, expected, tolerance);
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s parity: %s vs %s%n", r.kind().name().toLowerCase(Locale.ROOT), r.model(),
                r.expected());
        out.printf(Locale.ROOT, "%-48s %12s %12s %12s  %s%n", "tensor", "max|d|", "max rel", "bound", "");
        for (TensorDiff row : r.rows()) {
            if (Double.isInfinite(row.maxAbs())) { // not compared: missing, or another shape (the name says)
                out.printf(Locale.ROOT, "%-48s %12s %12s %12s  %s%n", row.name(), "-", "-", "-", "FAIL");
            } else {
                out.printf(Locale.ROOT, "%-48s %12.3e %12.3e %12.3e  %s%n", row.name(), row.maxAbs(), row.maxRel(),
                        row.bound(), row.ok() ? "ok" : "FAIL");
            }
        }
        long bad = r.rows().stream().filter(x -> !x.ok()).count();
        if (bad > 0) {
            r.rows().stream().filter(x -> !x.ok()).forEach(x -> spec.commandLine().getErr().println(
                    Double.isInfinite(x.maxAbs()) ? "error: " + x.name()
                            : String.format(Locale.ROOT, "error: %s: max|d| %.3e exceeds bound %.3e", x.name(),
                            x.maxAbs(), x.bound())));
            return ExitCodes.CLAIM_FAILED;
        }
        out.printf(Locale.ROOT, "ok: %d tensors within tolerance%n", r.rows().size());
        return ExitCodes.OK;
    }
}
