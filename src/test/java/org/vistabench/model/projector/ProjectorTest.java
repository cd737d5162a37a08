package org.vistabench.model.projector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;

class ProjectorTest {
    @TempDir
    Path tmp;

    @Test
    void usesHfLlavaTensorNamesAndNnLinearLayout() {
        try (NDManager m = NDManager.newBaseManager(); Projector p = Projector.init(ProjectorKind.MLP2X_GELU, 6, 4, 1, m)) {
            assertEquals(List.of("multi_modal_projector.linear_1.weight", "multi_modal_projector.linear_1.bias",
                    "multi_modal_projector.linear_2.weight", "multi_modal_projector.linear_2.bias"), p.names());
            assertEquals(new Shape(4, 6), p.parameters().get(Projector.W1).getShape());
            assertEquals(new Shape(4, 4), p.parameters().get(Projector.W2).getShape());
            assertEquals(4 * 6 + 4 + 16 + 4, p.parameterCount());
            try (Projector l = Projector.init(ProjectorKind.LINEAR, 6, 4, 1, m)) {
                assertEquals(List.of(Projector.W1, Projector.B1), l.names());
            }
        }
    }

    @Test
    void initIsSeededAndWithinNnLinearBounds() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> a = Projector.init(ProjectorKind.MLP2X_GELU, 9, 16, 42, m).values();
            Map<String, float[]> b = Projector.init(ProjectorKind.MLP2X_GELU, 9, 16, 42, m).values();
            Map<String, float[]> c = Projector.init(ProjectorKind.MLP2X_GELU, 9, 16, 43, m).values();
            a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k));
            assertTrue(!java.util.Arrays.equals(a.get(Projector.W1), c.get(Projector.W1)));
            double b1 = 1 / Math.sqrt(9);
            double b2 = 1 / Math.sqrt(16);
            double max1 = 0;
            for (float v : a.get(Projector.W1)) {
                assertTrue(Math.abs(v) <= b1);
                max1 = Math.max(max1, Math.abs(v));
            }
            assertTrue(max1 > 0.8 * b1, "uniform over the whole bound");
            for (float v : a.get(Projector.W2)) {
                assertTrue(Math.abs(v) <= b2);
            }
        }
    }

    @Test
    void forwardIsLinearExactGeluLinear() {
        int in = 5;
        int out = 3;
        try (NDManager m = NDManager.newBaseManager(); Projector p = Projector.init(ProjectorKind.MLP2X_GELU, in, out, 7, m)) {
            float[] x = new float[2 * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 1.7) * 3;
            }
            float[] y = p.forward(NdArrays.owned(m, x, new Shape(1, 2, in))).toFloatArray();
            Map<String, float[]> v = p.values();
            for (int r = 0; r < 2; r++) {
                double[] h = new double[out];
                for (int o = 0; o < out; o++) {
                    double s = v.get(Projector.B1)[o];
                    for (int i = 0; i < in; i++) {
                        s += v.get(Projector.W1)[o * in + i] * x[r * in + i];
                    }
                    h[o] = 0.5 * s * (1 + erf(s / Math.sqrt(2)));
                }
                for (int o = 0; o < out; o++) {
                    double s = v.get(Projector.B2)[o];
                    for (int i = 0; i < out; i++) {
                        s += v.get(Projector.W2)[o * out + i] * h[i];
                    }
                    assertEquals(s, y[r * out + o], 1e-5);
                }
            }
        }
    }

    @Test
    void savesAndLoadsWithKindAndDims() {
        Path f = tmp.resolve("projector.safetensors");
        try (NDManager m = NDManager.newBaseManager(); Projector p = Projector.init(ProjectorKind.LINEAR, 7, 5, 3, m)) {
            p.save(f, Map.of("cell", "x"));
            try (SafeTensors st = SafeTensors.open(f)) {
                assertEquals("linear", st.metadata().get("projector_type"));
                assertEquals("7", st.metadata().get("mm_hidden_size"));
                assertEquals("x", st.metadata().get("cell"));
            }
            try (Projector q = Projector.load(f, m)) {
                assertEquals(ProjectorKind.LINEAR, q.kind());
                assertEquals(7, q.inDim());
                p.values().forEach((k, v) -> assertArrayEquals(v, q.values().get(k)));
            }
        }
    }

    @Test
    void rejectsUnknownProjectorType() {
        var e = assertThrows(org.vistabench.core.VistaException.class, () -> ProjectorKind.parse("mlp3x"));
        assertTrue(e.getMessage().contains("train.projector"));
        assertEquals(2, e.exitCode());
    }

    @Test
    void visualPromptSplitsAtThePlaceholderOnly() {
        // A word-level fake tokenizer: one id per whitespace-separated piece.
        java.util.function.Function<String, long[]> tok = s -> s.isBlank() ? new long[0]
                : java.util.Arrays.stream(s.trim().split("\\s+")).mapToLong(w -> w.length()).toArray();
        VisualPrompt vp = VisualPrompt.split("<bos> user <image> what is shown ? model", "<image>", 4, tok, 0);
        assertArrayEquals(new long[] {5, 4}, vp.prefixIds());
        assertArrayEquals(new long[] {4, 2, 5, 1, 5}, vp.suffixIds());
        assertEquals(2, vp.imageStart());
        assertEquals(11, vp.promptLength());
        assertArrayEquals(new long[] {5, 4, 0, 0, 0, 0, 4, 2, 5, 1, 5}, vp.promptIds());
        assertThrows(IllegalArgumentException.class, () -> VisualPrompt.split("no image", "<image>", 4, tok, 0));
        assertThrows(IllegalArgumentException.class,
                () -> VisualPrompt.split("<image> <image> x", "<image>", 4, tok, 0));
    }

    /** erf to ~1e-7 (Taylor series below 3, the asymptotic erfc series above). */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double sum = 0;
            double term = ax;
            for (int n = 0; n < 200; n++) {
                sum += term / (2 * n + 1);
                term *= -ax * ax / (n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double x2 = ax * ax;
            r = 1 - Math.exp(-x2) / (ax * Math.sqrt(Math.PI)) * (1 - 1 / (2 * x2) + 3 / (4 * x2 * x2));
        }
        return Math.signum(x) * r;
    }

}
