package org.vistabench.model.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vistabench.tensor.TensorDiff;

class VisionParityTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");

    private static List<TensorDiff> check(String name, int expectedRows) {
        List<TensorDiff> rs = VisionParity.run(FIX.resolve(name), FIX.resolve(name + "/expected.safetensors"));
        TensorDiff worst = rs.get(0);
        for (TensorDiff r : rs) {
            System.out.println(name + ": " + r);
            if (r.maxAbs() / r.bound() > worst.maxAbs() / worst.bound()) {
                worst = r;
            }
        }
        System.out.println(name + " worst: " + worst);
        assertEquals(expectedRows, rs.size(), "compared tensors");
        for (TensorDiff r : rs) {
            assertTrue(r.ok(), name + ": " + r);
        }
        return rs;
    }

    @Test
    void dinov2MatchesHfAtConfigSizeAndInterpolatedSize() {
        check("dinov2-tiny", 2 * (4 + 2));
    }

    @Test
    void clipVisionMatchesHfIncludingPreAndPostLayernorm() {
        check("clip-tiny", 4 + 2);
    }

    @Test
    void ijepaMatchesHfWithoutClsToken() {
        check("ijepa-tiny", 4 + 1);
    }
}
