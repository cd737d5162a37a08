package org.vistabench.model.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vistabench.tensor.TensorDiff;

class PreprocessParityTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity/preprocess");

    @Test
    void torchvisionBackendReproducesTransformersPixelValuesBitForBit() {
        List<TensorDiff> rs = PreprocessParity.run(FIX);
        assertEquals(4, rs.size());
        for (TensorDiff r : rs) {
            System.out.println("default " + r);
            assertTrue(r.ok(), r.toString());
            // transformers 5 runs CLIP/Bit processors on torchvision's uint8 antialiased kernel; we replicate its
            // int16 fixed point, so nothing may differ at all
            assertEquals(0.0, r.maxAbs(), r.toString());
        }
    }

    @Test
    void pilBackendStaysWithinAcceptanceOfTheTorchvisionReference() {
        List<TensorDiff> rs = PreprocessParity.run(FIX, ImageProcessor.Backend.PIL);
        for (TensorDiff r : rs) {
            System.out.println("PIL " + r);
            assertTrue(r.ok(), r.toString());
        }
    }
}
