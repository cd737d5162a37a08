package org.vistabench.model.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessParityTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity/preprocess");

    @Test
    void torchvisionBackendReproducesTransformersPixelValuesBitForBit() {
        List<ParityResult> rs = PreprocessParity.run(FIX);
        assertEquals(4, rs.size());
        for (ParityResult r : rs) {
            System.out.println("default " + r);
            assertTrue(r.ok(), r.toString());
            // transformers 5 runs CLIP/Bit processors on torchvision's uint8 antialiased kernel; we replicate its
            // int16 fixed point, so nothing may differ at all
            assertEquals(0.0, r.maxAbs(), r.toString());
        }
    }

    @Test
    void pilBackendStaysWithinAcceptanceOfTheTorchvisionReference() {
        List<ParityResult> rs = PreprocessParity.run(FIX, ImageProcessor.Backend.PIL);
        for (ParityResult r : rs) {
            System.out.println("PIL " + r);
            assertTrue(r.ok(), r.toString());
        }
    }
}
