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

/**
 * Runs a model folder on the inputs of a Python reference dump and compares every output tensor the dump holds. The
 * folder's kind is detected from its content: an SAE (Gemma Scope {@code params.npz}, Llama Scope
 * {@code hyperparams.json}), an image-processor fixture ({@code processors.json}), or a model whose config.json names
 * {@code gemma2}/{@code llama} (language) or a vision family.
 */
public final class Parity {
    /** What was run. */
    public enum Kind { LM, VISION, SAE, PREPROCESS }

    /**
     * One compared tensor.
     *
     * @param bound the largest {@code maxAbs} allowed (relative bounds are already scaled by the reference's size),
     *     except for SAE rows, whose bound applies to {@code maxRel}
     */
    public record Row(String tensor, double maxAbs, double maxRel, double bound, boolean ok) {
    }

    public record Result(Kind kind, Path model, Path expected, List<Row> rows) {
        public boolean ok() {
            return !rows.isEmpty() && rows.stream().allMatch(Row::ok);
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
            throw new VistaException(ExitCodes.CELL_FAILED, config + ": not valid JSON: " + e.getMessage());
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
        List<Row> rows = switch (kind) {
            case LM -> LmParity.run(model, exp).stream()
                    .map(r -> rescale(new Row(r.tensor(), r.maxAbs(), r.maxRel(), r.bound(), r.ok()),
                            tolerance, org.vistabench.model.lm.ParityResult.REL_TOL)).toList();
            case VISION -> VisionParity.run(model, exp).stream()
                    .map(r -> rescale(new Row(r.tensor(), r.maxAbs(), r.maxRel(), r.bound(), r.ok()),
                            tolerance, VisionParity.REL_BOUND)).toList();
            case SAE -> SaeParity.run(model, exp).stream()
                    .map(r -> saeTolerance(new Row(r.tensor(), r.maxAbs(), r.maxRel(), r.bound(), r.ok()), tolerance))
                    .toList();
            case PREPROCESS -> PreprocessParity.run(model).stream()
                    .map(r -> new Row(r.tensor(), r.maxAbs(), r.maxRel(), r.bound(), r.ok())).toList();
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

    private static Row rescale(Row r, Double tolerance, double defaultRel) {
        if (tolerance == null || r.bound() == 0 || !Double.isFinite(r.maxAbs())) {
            return r;
        }
        double bound = r.bound() * tolerance / defaultRel;
        return new Row(r.tensor(), r.maxAbs(), r.maxRel(), bound, r.maxAbs() <= bound);
    }

    private static Row saeTolerance(Row r, Double tolerance) {
        if (tolerance == null || r.bound() == 0 || !Double.isFinite(r.maxAbs())) {
            return r;
        }
        return new Row(r.tensor(), r.maxAbs(), r.maxRel(), tolerance, r.maxRel() <= tolerance);
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
