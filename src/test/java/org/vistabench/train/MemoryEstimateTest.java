package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vistabench.model.lm.LmConfig;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.model.vision.VisionConfig;
import org.vistabench.tensor.SafeTensors;

/** The memory estimate's formula: parameter counts against real checkpoints, activations linear in the batch. */
class MemoryEstimateTest {
    private static final Path FX = Path.of("src/test/resources/fixtures/hf-parity");

    private static long checkpointParameters(String fixture) {
        try (SafeTensors st = SafeTensors.open(FX.resolve(fixture).resolve("model.safetensors"))) {
            return st.names().stream().mapToLong(n -> st.info(n).numel()).sum();
        }
    }

    @Test
    void lmParameterCountsAreTheCheckpoints() {
        for (String lm : List.of("gemma2-tiny-f32", "llama3-tiny-f32")) {
            LmConfig c = LmConfig.read(FX.resolve(lm));
            long stored = checkpointParameters(lm);
            // Llama has two norms a layer where the formula counts Gemma's four: within 1 %.
            assertEquals(stored, MemoryEstimate.lmParameters(c), stored / 100.0, lm);
        }
    }

    @Test
    void encoderParameterCountsAreWithinAFewPercentOfTheCheckpoints() {
        for (String enc : List.of("dinov2-tiny", "clip-tiny")) {
            long stored = checkpointParameters(enc);
            long formula = MemoryEstimate.encoderParameters(VisionConfig.read(FX.resolve(enc)));
            assertEquals(stored, formula, stored * 0.05, enc);
        }
    }

    @Test
    void theTrainStepGrowsLinearlyWithTheBatchAndSetsThePeakOfABigBatch() {
        MemoryEstimate small = MemoryEstimate.of(shapes(8));
        MemoryEstimate big = MemoryEstimate.of(shapes(80_000));
        long step8 = small.terms().get(MemoryEstimate.TRAIN_STEP);
        assertEquals(10_000.0, (double) big.terms().get(MemoryEstimate.TRAIN_STEP) / step8, 1e-3);
        assertEquals(MemoryEstimate.TRAIN_STEP, big.peakPhase());
        long fixed = big.terms().entrySet().stream().filter(e -> !e.getKey().endsWith("activations"))
                .mapToLong(e -> e.getValue()).sum();
        assertEquals(fixed + big.terms().get(MemoryEstimate.TRAIN_STEP), big.peak());
        assertTrue(big.largest(3).get(0).startsWith("train step activations "), big.largest(3).toString());
        // The held-out batch is capped by eval_images: the same for both.
        assertEquals(small.terms().get(MemoryEstimate.HELD_OUT), big.terms().get(MemoryEstimate.HELD_OUT));
    }

    @Test
    void theRandomSaeControlCountsACopyOfEachConstrainedSae() {
        MemoryEstimate.Shapes s = shapes(8);
        MemoryEstimate.Shapes control = new MemoryEstimate.Shapes(s.lm(), s.encoder(), s.imageTokens(),
                s.encoderPositions(), s.saeWidths(), s.constrained(), true, s.projector(), s.batch(), s.evalBatch());
        long d = s.lm().hiddenSize();
        assertEquals(MemoryEstimate.of(s).terms().get("SAE weights") + 4 * 2 * (2 * d * 128 + 2 * 128 + d),
                MemoryEstimate.of(control).terms().get("SAE weights"));
    }

    @Test
    void bytesInWords() {
        assertEquals("512 B", MemoryEstimate.bytes(512));
        assertEquals("1.0 MiB", MemoryEstimate.bytes(1L << 20));
        assertEquals("331.2 GiB", MemoryEstimate.bytes(355_627_499_110L));
    }

    private static MemoryEstimate.Shapes shapes(int batch) {
        SortedMap<Integer, Integer> widths = new TreeMap<>();
        for (int l = 0; l < 4; l++) {
            widths.put(l, 128);
        }
        VisionConfig v = VisionConfig.read(FX.resolve("dinov2-tiny"));
        return new MemoryEstimate.Shapes(LmConfig.read(FX.resolve("gemma2-tiny-f32")), v, 16, 17, widths,
                List.of(0, 1), false, ProjectorKind.parse("mlp2x_gelu"), batch, Math.min(batch, 6));
    }
}
