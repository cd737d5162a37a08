package org.vistabench.parity;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;
import org.vistabench.model.lm.LmParity;
import org.vistabench.model.sae.SaeParity;
import org.vistabench.model.vision.PreprocessParity;
import org.vistabench.model.vision.VisionParity;
import org.vistabench.tensor.TensorDiff;

/**
 * Runs a model folder on the inputs of a Python reference dump and compares every output tensor the dump holds. The
 * folder's kind is detected from its content: an SAE (Gemma Scope {@code params.npz}, Llama Scope
 * {@code hyperparams.json}), an image-processor fixture ({@code processors.json}), or a model whose config.json names
 * {@code gemma2}/{@code llama} (language) or a vision family.
 */
public final class Parity {
    /** What was run. */
    public enum Kind { LM, VISION, SAE, PREPROCESS }

    /** The compared tensors; each row's {@code boundOn} says what its bound limits. */
    public record Result(Kind kind, Path model, Path expected, List<TensorDiff> rows) {
        public boolean ok() {
            return !rows.isEmpty() && rows.stream().allMatch(TensorDiff::ok);
        }
    }

    private Parity() {
    }

    public static Kind detect(Path dir) {
        if (Files.isRegularFile(dir) && dir.getFileName().toString().endsWith(".npz")) {
            return Kind.SAE;
        }
        if (!Files.isDirectory(dir)) {
            throw new VistaException(ExitCodes.USAGE, dir + ": not a model folder");
        }
        if (Files.exists(dir.resolve("params.npz")) || Files.exists(dir.resolve("hyperparams.json"))) {
            return Kind.SAE;
        }
        if (Files.exists(dir.resolve("processors.json"))) {
            return Kind.PREPROCESS;
        }
        Path config = dir.resolve("config.json");
        if (!Files.exists(config)) {
            throw new VistaException(ExitCodes.USAGE, dir + ": no config.json, params.npz, hyperparams.json or "
                    + "processors.json: cannot tell what kind of model this is");
        }
        String type;
        try {
            JsonNode n = Json.MAPPER.readTree(config.toFile());
            type = n.path("model_type").asText("").toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, config + ": not valid JSON: " + Json.why(e));
        }
        if (type.equals("gemma2") || type.equals("llama")) {
            return Kind.LM;
        }
        if (VisionParity.isVisionModel(dir)) {
            return Kind.VISION;
        }
        throw new VistaException(ExitCodes.USAGE, config + ": model_type '" + type
                + "' has no parity runner (known: gemma2, llama, dinov2, clip, clip_vision_model, ijepa)");
    }

    /**
     * Runs the comparison. {@code tolerance}, when not null, replaces the family's relative tolerance (1e-4 · max(1,
     * max|ref|) for models, 1e-5 for SAEs); exact rows (token ids, l0) stay exact and the preprocessing bounds are
     * absolute pixel bounds, left as they are.
     */
    public static Result run(Path model, Path expected, Double tolerance) {
        Kind kind = detect(model);
        Path exp = expected != null ? expected : defaultExpected(model, kind);
        if (kind != Kind.PREPROCESS && !Files.isRegularFile(exp)) {
            throw new VistaException(ExitCodes.USAGE, exp + ": expected-outputs file not found (pass --expected)");
        }
        List<TensorDiff> rows = switch (kind) {
            case LM -> retolerate(LmParity.run(model, exp), tolerance, LmParity.REL_TOL);
            case VISION -> retolerate(VisionParity.run(model, exp), tolerance, VisionParity.REL_BOUND);
            case SAE -> retolerate(SaeParity.run(model, exp), tolerance, SaeParity.REL_BOUND);
            case PREPROCESS -> PreprocessParity.run(model);
        };
        return new Result(kind, model, exp, rows);
    }

    private static Path defaultExpected(Path model, Kind kind) {
        Path here = model.resolve("expected.safetensors");
        if (Files.isRegularFile(here) || kind != Kind.SAE) {
            return here;
        }
        // Llama Scope layout: the fixture keeps expected.safetensors beside the SAE folder.
        Path beside = model.toAbsolutePath().getParent().resolve("expected.safetensors");
        return Files.isRegularFile(beside) ? beside : here;
    }

    private static List<TensorDiff> retolerate(List<TensorDiff> rows, Double tolerance, double defaultTol) {
        return tolerance == null ? rows : rows.stream().map(r -> r.withTolerance(tolerance, defaultTol)).toList();
    }

    /** Every fixture folder below {@code root} (for tests and for {@code parity --all}). */
    public static List<Path> fixtureFolders(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root, 3)) {
            return s.filter(Files::isDirectory).filter(d -> {
                try {
                    detect(d);
                    return true;
                } catch (VistaException e) {
                    return false;
                }
            }).sorted().toList();
        }
    }
}
