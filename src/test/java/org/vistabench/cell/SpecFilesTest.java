package org.vistabench.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cli.Main;
import org.vistabench.spec.SpecError;
import org.vistabench.spec.SpecLoader;

/**
 * Issue #20 point 14: errors known before any training (layers that do not exist, missing world:, hf: or plain paths)
 * fail {@code validate} and {@code run} with the spec's line:col, all at once, and nothing is written.
 */
class SpecFilesTest {
    private static final Path FX = Path.of("src/test/resources/fixtures/hf-parity").toAbsolutePath();

    @TempDir
    Path tmp;

    private Path spec(String encoders, String llm, String layerSets) throws Exception {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "name: s\nseed: 17\nworld: {kind: mini, scale: tiny, cache: " + tmp.resolve("worlds")
                + "}\nencoders:\n" + encoders + "llms:\n" + llm + "sae_layer_sets:\n  none: []\n" + layerSets
                + "train: {steps: 4, batch: 2, lr: 1.0e-3}\nmetrics:\n  train: {}\n");
        return f;
    }

    private static final String WORLD_LM = "  - id: mini-lm\n    path: world:lm\n"
            + "    saes: {path: world:saes, format: gemma-scope, layers: all}\n";

    @Test
    void worldReferencesAndLayersAreCheckedAgainstTheWorldWithoutBuildingIt() throws Exception {
        Path f = spec("  - {id: a, path: world:encoders/mini-dino, layer: 999}\n"
                + "  - {id: b, path: world:encoders/nope}\n  - {id: c, path: /nonexistent/enc}\n",
                WORLD_LM, "  far: [99]\n");
        List<SpecError> errors = SpecFiles.check(SpecLoader.load(f));
        List<String> lines = errors.stream().map(SpecError::toString).toList();
        assertEquals(4, errors.size(), lines.toString());
        assertTrue(lines.get(0).matches(".*s.yaml:5:\\d+: encoders\\[0\\].layer: expected a hidden-state index in "
                + "\\[-3, 2\\].*got 999"), lines.get(0));
        assertTrue(lines.get(1).contains(":6:") && lines.get(1).contains("world:encoders/mini-clip"), lines.get(1));
        assertTrue(lines.get(2).contains(":7:") && lines.get(2).contains("/nonexistent/enc"), lines.get(2));
        assertTrue(lines.get(3).contains("sae_layer_sets.far: layer 99 does not exist: LLM 'mini-lm' has 2 layers"),
                lines.get(3));
        assertTrue(!Files.exists(tmp.resolve("worlds")), "checking a spec built the world");

        // validate and run report them (exit 2) and write nothing
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "validate",
                f.toString()));
        assertTrue(err.toString().contains("4 errors in"), err.toString());
        StringWriter runErr = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(runErr), "run",
                f.toString(), "--out", tmp.resolve("out").toString()));
        assertTrue(runErr.toString().contains("encoders[0].layer"), runErr.toString());
        assertTrue(!Files.exists(tmp.resolve("out")), "a refused run wrote its folder");
    }

    @Test
    void realModelsAreCheckedThroughTheirConfigsAndSaeFolders() throws Exception {
        // a 4-layer Gemma-2 and a 3-layer DINOv2 from the parity fixtures; Gemma Scope SAE for layer 0 only
        Path saes = tmp.resolve("saes/layer_0/width_16k/canonical");
        Files.createDirectories(saes);
        Files.copy(FX.resolve("sae-jumprelu-tiny/params.npz"), saes.resolve("params.npz"));
        Path f = spec("  - {id: d, path: " + FX.resolve("dinov2-tiny") + ", layer: -5}\n"
                + "  - {id: e, path: " + FX.resolve("dinov2-tiny") + ", layer: 3}\n",
                "  - id: g\n    path: " + FX.resolve("gemma2-tiny-f32") + "\n    saes: {path: " + tmp.resolve("saes")
                        + ", format: gemma-scope, layers: all}\n", "  early: [0, 1]\n  deep: [4]\n");
        List<String> lines = SpecFiles.check(SpecLoader.load(f)).stream().map(SpecError::toString).toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("encoders[0].layer: expected a hidden-state index in [-4, 3]"), lines.get(0));
        assertTrue(lines.get(1).contains("sae_layer_sets.early: layer 1 has no SAE for LLM 'g' (SAE layers found: "
                + "[0])"), lines.get(1));
        assertTrue(lines.get(2).contains("sae_layer_sets.deep: layer 4 does not exist: LLM 'g' has 4 layers (0..3)"),
                lines.get(2));
    }
}
