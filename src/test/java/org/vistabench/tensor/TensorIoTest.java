package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorIoTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");

    @Test
    void readsBf16CheckpointAsTheSameFloatsAsItsF32Twin() {
        try (SafeTensors bf = SafeTensors.open(FIX.resolve("gemma2-tiny-bf16/model.safetensors"));
             SafeTensors f32 = SafeTensors.open(FIX.resolve("gemma2-tiny-f32/model.safetensors"))) {
            String name = "model.embed_tokens.weight";
            assertEquals(DType.BF16, bf.info(name).dtype());
            float[] a = bf.floats(name);
            float[] b = f32.floats(name);
            assertEquals(b.length, a.length);
            double maxRel = 0;
            for (int i = 0; i < a.length; i++) {
                maxRel = Math.max(maxRel, Math.abs(a[i] - b[i]) / Math.max(1e-6, Math.abs(b[i])));
            }
            assertTrue(maxRel < 1e-2, "bf16 vs f32 rel error " + maxRel);
        }
    }

    @Test
    void writerRoundTripsAndReproducesPythonBytes(@TempDir Path tmp) throws Exception {
        Path src = FIX.resolve("sae-jumprelu-tiny/expected.safetensors");
        try (SafeTensors st = SafeTensors.open(src)) {
            SafeTensorsWriter w = new SafeTensorsWriter().metadata(st.metadata());
            for (String n : st.names()) {
                TensorInfo t = st.info(n);
                if (t.dtype() == DType.I64) {
                    w.put(n, t.shape(), st.longs(n));
                } else {
                    w.put(n, t.dtype(), t.shape(), st.floats(n));
                }
            }
            Path out = tmp.resolve("x.safetensors");
            w.write(out);
            try (SafeTensors back = SafeTensors.open(out)) {
                for (String n : st.names()) {
                    if (st.info(n).dtype().isFloating()) {
                        assertArrayEquals(st.floats(n), back.floats(n), n);
                    }
                }
            }
            assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(out), "byte-identical to the Python writer");
        }
    }

    @Test
    void readsGemmaScopeNpzAndMakesOwnedNdArrays() {
        Map<String, NpyArray> p = Npz.read(FIX.resolve("sae-jumprelu-tiny/params.npz"));
        assertTrue(p.keySet().containsAll(java.util.List.of("W_enc", "W_dec", "b_enc", "b_dec", "threshold")), p.keySet().toString());
        NpyArray w = p.get("W_enc");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray nd = NdArrays.owned(m, w.floats(), new ai.djl.ndarray.types.Shape(w.shape()));
            assertEquals(w.shape()[0], nd.getShape().get(0));
            assertArrayEquals(w.floats(), nd.toFloatArray());
        }
    }

    @Test
    void npzWriteReadRoundTrip(@TempDir Path tmp) {
        Path f = tmp.resolve("p.npz");
        Npz.write(f, Map.of("a", NpyArray.ofFloats("a", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                "b", NpyArray.ofFloats("b", new long[] {3}, new float[] {7, 8, 9})));
        Map<String, NpyArray> back = Npz.read(f);
        assertArrayEquals(new long[] {2, 3}, back.get("a").shape());
        assertArrayEquals(new float[] {7, 8, 9}, back.get("b").floats());
    }

    @Test
    void truncatedFileNamesTheFile(@TempDir Path tmp) throws Exception {
        byte[] b = Files.readAllBytes(FIX.resolve("clip-tiny/model.safetensors"));
        Path f = tmp.resolve("cut.safetensors");
        Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> SafeTensors.open(f));
        assertTrue(e.getMessage().contains("cut.safetensors"), e.getMessage());
    }
}
