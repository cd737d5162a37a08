package org.vistabench.model.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;
import org.vistabench.tensor.TensorDiff;
import org.vistabench.tensor.TensorFormatException;

class SaeLoaderTest {
    static final Path GEMMA = Path.of("src/test/resources/fixtures/hf-parity/sae-jumprelu-tiny");
    static final Path LLAMA = Path.of("src/test/resources/fixtures/sae-formats/llama-scope-tiny");
    static final String LLAMA_SAE = "Llama3_1-8B-Base-L2R-8x";

    private static Map<String, NpyArray> tinyParams(int dModel, int dSae, float scale) {
        Map<String, NpyArray> p = new TreeMap<>();
        float[] we = new float[dModel * dSae];
        float[] wd = new float[dSae * dModel];
        for (int i = 0; i < we.length; i++) {
            we[i] = scale * ((i % 7) - 3);
            wd[i] = scale * ((i % 5) - 2);
        }
        p.put("W_enc", NpyArray.ofFloats("W_enc", new long[] {dModel, dSae}, we));
        p.put("W_dec", NpyArray.ofFloats("W_dec", new long[] {dSae, dModel}, wd));
        p.put("b_enc", NpyArray.ofFloats("b_enc", new long[] {dSae}, new float[dSae]));
        p.put("b_dec", NpyArray.ofFloats("b_dec", new long[] {dModel}, new float[dModel]));
        p.put("threshold", NpyArray.ofFloats("threshold", new long[] {dSae}, new float[dSae]));
        return p;
    }

    private static void writeParams(Path file, Map<String, NpyArray> p) throws Exception {
        Files.createDirectories(file.getParent());
        Npz.write(file, p);
    }

    @Test
    void gemmaScopeAcceptsAFolderAndRenamesLowercaseWKeysLikeSaeLens(@TempDir Path tmp) throws Exception {
        Map<String, NpyArray> p = Npz.read(GEMMA.resolve("params.npz"));
        Map<String, NpyArray> lower = new TreeMap<>();
        p.forEach((k, v) -> {
            String n = k.startsWith("W_") ? "w_" + k.substring(2) : k;
            lower.put(n, new NpyArray(n, v.dtype(), v.shape(), v.floats(), v.longs()));
        });
        writeParams(tmp.resolve("sae/params.npz"), lower);
        try (NDManager m = NDManager.newBaseManager(); Sae a = SaeLoader.gemmaScope(tmp.resolve("sae"), m);
             Sae b = SaeLoader.gemmaScope(GEMMA.resolve("params.npz"), m)) {
            assertEquals(64, a.dModel());
            assertEquals(256, a.dSae());
            assertArrayEquals(b.wEnc().toFloatArray(), a.wEnc().toFloatArray());
            assertArrayEquals(b.wDec().toFloatArray(), a.wDec().toFloatArray());
        }
    }

    @Test
    void rejectsAnNpzThatIsNotAZipNamingTheFile(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("params.npz");
        Files.write(f, "this is not a zip archive at all".getBytes());
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> load(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("not a valid npz"), e.getMessage());
        assertEquals(3, e.exitCode());
    }

    @Test
    void rejectsATruncatedNpzFile(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("params.npz");
        byte[] full = Files.readAllBytes(GEMMA.resolve("params.npz"));
        Files.write(f, Arrays.copyOf(full, full.length / 2));
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void rejectsAMemberWhoseArrayIsShorterThanItsHeaderSays(@TempDir Path tmp) throws Exception {
        Map<String, NpyArray> p = tinyParams(4, 8, 0.1f);
        Path good = tmp.resolve("good.npz");
        Npz.write(good, p);
        // Rebuild the zip with b_enc.npy cut short but a correct CRC: the zip layer is fine, the array is not.
        Path f = tmp.resolve("params.npz");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(good.toFile());
             ZipOutputStream out = new ZipOutputStream(bos)) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                byte[] b = z.getInputStream(e).readAllBytes();
                if (e.getName().equals("b_enc.npy")) {
                    b = Arrays.copyOf(b, b.length - 8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        Files.write(f, bos.toByteArray());
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> load(f));
        assertTrue(e.getMessage().contains("'b_enc'") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsAFlippedByteThroughTheCrcCheck(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("params.npz");
        byte[] b = Files.readAllBytes(GEMMA.resolve("params.npz"));
        // The archive is stored (uncompressed): flip a byte deep inside W_enc.npy's data, the first member.
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(GEMMA.resolve("params.npz").toFile())) {
            ZipEntry first = z.entries().nextElement();
            assertEquals("W_enc.npy", first.getName());
            assertEquals(ZipEntry.STORED, first.getMethod());
        }
        b[30 + "W_enc.npy".length() + 4000] ^= 0x40;
        Files.write(f, b);
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> load(f));
        assertTrue(e.getMessage().contains("'W_enc'") && e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void rejectsAMissingArrayNamingFileKeyAndWhatIsThere(@TempDir Path tmp) throws Exception {
        Map<String, NpyArray> p = tinyParams(4, 8, 0.1f);
        p.remove("threshold");
        Path f = tmp.resolve("params.npz");
        writeParams(f, p);
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> load(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("'threshold' is missing")
                && e.getMessage().contains("[W_dec, W_enc, b_dec, b_enc]"), e.getMessage());
    }

    @Test
    void rejectsAShapeMismatchNamingBothShapes(@TempDir Path tmp) throws Exception {
        Map<String, NpyArray> p = tinyParams(4, 8, 0.1f);
        p.put("b_dec", NpyArray.ofFloats("b_dec", new long[] {5}, new float[5]));
        Path f = tmp.resolve("params.npz");
        writeParams(f, p);
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> load(f));
        assertTrue(e.getMessage().contains("'b_dec' has shape [5], expected [4]"), e.getMessage());
    }

    private static void load(Path f) {
        try (NDManager m = NDManager.newBaseManager()) {
            SaeLoader.gemmaScope(f, m).close();
        }
    }

    private static Path copyLlama(Path tmp, String name) throws Exception {
        Path src = LLAMA.resolve(LLAMA_SAE);
        Path dst = tmp.resolve(name);
        Files.createDirectories(dst.resolve("checkpoints"));
        Files.copy(src.resolve("hyperparams.json"), dst.resolve("hyperparams.json"));
        Files.copy(src.resolve("checkpoints/final.safetensors"), dst.resolve("checkpoints/final.safetensors"));
        return dst;
    }

    private static void editHyper(Path folder, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        Path h = folder.resolve("hyperparams.json");
        ObjectNode o = (ObjectNode) Json.MAPPER.readTree(h.toFile());
        edit.accept(o);
        Files.writeString(h, Json.MAPPER.writeValueAsString(o));
    }

    @Test
    void rejectsLlamaScopeHyperparamsMissingTheThresholdNamingFileAndKey(@TempDir Path tmp) throws Exception {
        Path d = copyLlama(tmp, LLAMA_SAE);
        editHyper(d, o -> o.remove("jump_relu_threshold"));
        try (NDManager m = NDManager.newBaseManager()) {
            TensorFormatException e = assertThrows(TensorFormatException.class, () -> SaeLoader.llamaScope(d, m));
            assertEquals(d.resolve("hyperparams.json") + ": key 'jump_relu_threshold' is missing", e.getMessage());
        }
    }

    @Test
    void rejectsLlamaScopeHyperparamsWithoutTheDatasetNorm(@TempDir Path tmp) throws Exception {
        Path d = copyLlama(tmp, LLAMA_SAE);
        editHyper(d, o -> ((ObjectNode) o.get("dataset_average_activation_norm")).remove("in"));
        try (NDManager m = NDManager.newBaseManager()) {
            TensorFormatException e = assertThrows(TensorFormatException.class, () -> SaeLoader.llamaScope(d, m));
            assertTrue(e.getMessage().contains("'dataset_average_activation_norm.in' is missing"), e.getMessage());
        }
    }

    @Test
    void rejectsALlamaScopeCheckpointWhoseShapeDisagreesWithHyperparams(@TempDir Path tmp) throws Exception {
        Path d = copyLlama(tmp, LLAMA_SAE);
        editHyper(d, o -> o.put("d_sae", 64));
        try (NDManager m = NDManager.newBaseManager()) {
            TensorFormatException e = assertThrows(TensorFormatException.class, () -> SaeLoader.llamaScope(d, m));
            assertTrue(e.getMessage().contains("final.safetensors: tensor 'encoder.weight' has shape [128, 16],"
                    + " expected [64, 16]"), e.getMessage());
        }
    }

    @Test
    void rejectsTopKLlamaScopeSaes(@TempDir Path tmp) throws Exception {
        Path d = copyLlama(tmp, LLAMA_SAE);
        editHyper(d, o -> o.put("act_fn", "topk"));
        try (NDManager m = NDManager.newBaseManager()) {
            TensorFormatException e = assertThrows(TensorFormatException.class, () -> SaeLoader.llamaScope(d, m));
            assertTrue(e.getMessage().contains("act_fn is 'topk'"), e.getMessage());
        }
    }

    @Test
    void parityCatchesAForgottenNormFold(@TempDir Path tmp) throws Exception {
        // With dataset_average_activation_norm.in = sqrt(d_model), s = 1: the loader folds nothing, like SAELens
        // when its yaml lacks norm_scaling_factor. The fixture must then fail.
        Path d = copyLlama(tmp, LLAMA_SAE);
        editHyper(d, o -> ((ObjectNode) o.get("dataset_average_activation_norm")).put("in", 4.0));
        List<TensorDiff> rs = SaeParity.run(d, LLAMA.resolve("expected.safetensors"));
        assertFalse(rs.stream().filter(r -> r.name().equals("acts")).findFirst().orElseThrow().ok());
        assertFalse(rs.stream().filter(r -> r.name().equals("sae_lens.threshold")).findFirst().orElseThrow().ok());
    }

    @Test
    void loadsGemmaScopeLayersPickingTheL0ClosestToTheTarget(@TempDir Path tmp) throws Exception {
        for (int layer : new int[] {0, 3}) {
            for (int k : new int[] {10, 50, 120}) {
                writeParams(tmp.resolve("layer_" + layer + "/width_16k/average_l0_" + k + "/params.npz"),
                        tinyParams(4, 8, k / 100f));
            }
        }
        Files.createDirectories(tmp.resolve("embedding/width_4k/average_l0_5"));
        try (NDManager m = NDManager.newBaseManager()) {
            try (SaeSet set = SaeLoader.loadLayers(tmp, "gemma-scope", m, SaeChoice.defaults().withTargetL0(40))) {
                assertEquals(List.of(0, 3), set.layers());
                assertEquals(tmp.resolve("layer_3/width_16k/average_l0_50/params.npz"), set.source(3));
                assertEquals(0.5f * 3, set.get(3).wEnc().toFloatArray()[6], 1e-6f); // (6 % 7 - 3) × 0.5
            }
            // Equal distance to 10 and 50: the smaller K.
            try (SaeSet set = SaeLoader.loadLayers(tmp, "auto", m,
                    SaeChoice.defaults().withTargetL0(30).withLayers(Set.of(3)))) {
                assertEquals(List.of(3), set.layers());
                assertEquals(tmp.resolve("layer_3/width_16k/average_l0_10/params.npz"), set.source(3));
            }
            TensorFormatException e = assertThrows(TensorFormatException.class,
                    () -> SaeLoader.loadLayers(tmp, "gemma-scope", m));
            assertTrue(e.getMessage().contains("layers 0, 3, width_16k: average_l0 10, 50, 120; choose saes.l0"),
                    e.getMessage());
            TensorFormatException e2 = assertThrows(TensorFormatException.class, () -> SaeLoader.loadLayers(tmp,
                    "gemma-scope", m, SaeChoice.defaults().withTargetL0(40).withLayers(Set.of(0, 7))));
            assertTrue(e2.getMessage().contains("layer(s) [7] (found layers [0])"), e2.getMessage());
        }
    }

    @Test
    void prefersTheCanonicalFolderAndRequiresAWidthWhenThereAreSeveral(@TempDir Path tmp) throws Exception {
        writeParams(tmp.resolve("layer_1/width_16k/canonical/params.npz"), tinyParams(4, 8, 1));
        writeParams(tmp.resolve("layer_1/width_16k/average_l0_71/params.npz"), tinyParams(4, 8, 2));
        try (NDManager m = NDManager.newBaseManager()) {
            try (SaeSet set = SaeLoader.loadLayers(tmp, "gemma-scope", m)) {
                assertEquals(tmp.resolve("layer_1/width_16k/canonical/params.npz"), set.source(1));
            }
            writeParams(tmp.resolve("layer_1/width_65k/canonical/params.npz"), tinyParams(4, 16, 1));
            TensorFormatException e = assertThrows(TensorFormatException.class,
                    () -> SaeLoader.loadLayers(tmp, "gemma-scope", m));
            assertTrue(e.getMessage().contains("layer_1: widths 16k, 65k; choose saes.width"), e.getMessage());
            try (SaeSet set = SaeLoader.loadLayers(tmp, "gemma-scope", m, SaeChoice.defaults().withWidth("65k"))) {
                assertEquals(16, set.get(1).dSae());
            }
            VistaException e3 = assertThrows(VistaException.class, () -> SaeLoader.loadLayers(tmp, "topk", m));
            assertEquals(2, e3.exitCode());
        }
    }

    @Test
    void loadsLlamaScopeLayersFromTheirFolderNames(@TempDir Path tmp) throws Exception {
        copyLlama(tmp, "Llama3_1-8B-Base-L2R-8x");
        copyLlama(tmp, "Llama3_1-8B-Base-L5R-8x");
        copyLlama(tmp, "Llama3_1-8B-Base-L5A-8x");
        try (NDManager m = NDManager.newBaseManager(); SaeSet set = SaeLoader.loadLayers(tmp, "auto", m)) {
            assertEquals(List.of(2, 5), set.layers());
            assertEquals(tmp.resolve("Llama3_1-8B-Base-L5R-8x"), set.source(5));
            assertEquals(128, set.get(5).dSae());
            VistaException e = assertThrows(VistaException.class, () -> set.get(4));
            assertTrue(e.getMessage().contains("have layers [2, 5]"), e.getMessage());
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(3, s.count());
        }
    }
}
