package org.vistabench.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.SafeTensorsWriter;
import org.vistabench.tensor.TensorInfo;

class VisionLoaderTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");

    /** Copies a fixture's weights under new names (null drops a tensor), optionally replacing config.json. */
    private static Path rewrite(Path tmp, String fixture, Function<String, String> rename, String skip,
                                String reshape, String config) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(fixture));
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors st = SafeTensors.open(FIX.resolve(fixture + "/model.safetensors"))) {
            for (String n : st.names()) {
                if (n.equals(skip)) {
                    continue;
                }
                TensorInfo t = st.info(n);
                float[] data = st.floats(n);
                long[] shape = t.shape();
                if (n.equals(reshape)) {
                    data = java.util.Arrays.copyOf(data, data.length - (int) shape[shape.length - 1]);
                    shape = shape.clone();
                    shape[shape.length - 2] -= 1;
                }
                w.putF32(rename.apply(n), shape, data);
            }
        }
        w.write(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"),
                config != null ? config : Files.readString(FIX.resolve(fixture + "/config.json")));
        return dir;
    }

    private static void assertOneLine(VistaException e, String... parts) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void rejectsMissingTensorNamingFolderAndTensor(@TempDir Path tmp) throws Exception {
        String gone = "encoder.layer.1.mlp.fc2.bias";
        Path dir = rewrite(tmp, "dinov2-tiny", n -> n, gone, null, null);
        try (NDManager m = NDManager.newBaseManager()) {
            VistaException e = assertThrows(VistaException.class, () -> VisionLoader.load(dir, m));
            assertOneLine(e, dir.toString(), gone, "missing");
        }
    }

    @Test
    void rejectsShapeMismatchNamingTensorAndBothShapes(@TempDir Path tmp) throws Exception {
        String bad = "embeddings.position_embeddings";
        Path dir = rewrite(tmp, "ijepa-tiny", n -> n, null, bad, null);
        try (NDManager m = NDManager.newBaseManager()) {
            VistaException e = assertThrows(VistaException.class, () -> VisionLoader.load(dir, m));
            assertOneLine(e, "model.safetensors", bad, "[1, 15, 64]", "[1, 16, 64]");
        }
    }

    @Test
    void rejectsUnknownModelTypeNamingFileAndValue(@TempDir Path tmp) throws Exception {
        Path dir = rewrite(tmp, "clip-tiny", n -> n, null, null, "{\"model_type\": \"vit_mae\", \"hidden_size\": 64}");
        try (NDManager m = NDManager.newBaseManager()) {
            VistaException e = assertThrows(VistaException.class, () -> VisionLoader.load(dir, m));
            assertOneLine(e, dir.resolve("config.json").toString(), "'vit_mae'");
        }
    }

    @Test
    void rejectsUnsupportedActivationAtLoadTime(@TempDir Path tmp) throws Exception {
        String cfg = Files.readString(FIX.resolve("clip-tiny/config.json")).replace("\"quick_gelu\"", "\"mish\"");
        Path dir = rewrite(tmp, "clip-tiny", n -> n, null, null, cfg);
        try (NDManager m = NDManager.newBaseManager()) {
            VistaException e = assertThrows(VistaException.class, () -> VisionLoader.load(dir, m));
            assertOneLine(e, "config.json", "'mish'");
        }
    }

    @Test
    void loadsFullClipCheckpointWithVisionModelPrefix(@TempDir Path tmp) throws Exception {
        // A CLIPModel folder: model_type clip, the tower under vision_config, tensors under vision_model.
        String vision = Files.readString(FIX.resolve("clip-tiny/config.json"));
        String cfg = "{\"model_type\": \"clip\", \"projection_dim\": 32, \"vision_config\": " + vision + "}";
        Path dir = rewrite(tmp, "clip-tiny", n -> "vision_model." + n, null, null, cfg);
        try (NDManager m = NDManager.newBaseManager();
             VisionEncoder plain = VisionLoader.load(FIX.resolve("clip-tiny"), m);
             VisionEncoder wrapped = VisionLoader.load(dir, m);
             SafeTensors ref = SafeTensors.open(FIX.resolve("clip-tiny/expected.safetensors"))) {
            assertEquals(VisionConfig.CLIP, wrapped.config().family());
            NDArray px = NdArrays.owned(m, ref.floats("56.pixel_values"), new Shape(2, 3, 56, 56));
            assertArrayEquals(plain.hiddenState(px, -1).toFloatArray(), wrapped.hiddenState(px, -1).toFloatArray());
        }
    }

    @Test
    void hiddenStateByIndexEqualsTheFullRunAndDropsClsOnRequest() {
        try (NDManager m = NDManager.newBaseManager();
             VisionEncoder enc = VisionLoader.load(FIX.resolve("clip-tiny"), m);
             SafeTensors ref = SafeTensors.open(FIX.resolve("clip-tiny/expected.safetensors"))) {
            NDArray px = NdArrays.owned(m, ref.floats("56.pixel_values"), new Shape(2, 3, 56, 56));
            List<NDArray> all = enc.hiddenStates(px);
            assertEquals(4, all.size());
            NDArray llava = enc.hiddenState(px, -2);
            assertArrayEquals(all.get(2).toFloatArray(), llava.toFloatArray());
            NDArray patches = VisionEncoder.patchTokens(llava, enc.hasCls());
            assertEquals(new Shape(2, enc.numPatches(56, 56), 64), patches.getShape());
            float[] ref2 = ref.floats("56.hidden_states.2");
            float[] got = patches.toFloatArray();
            // patch 0 of image 1 is token 1 of image 1 in the reference
            assertEquals(ref2[(17 + 1) * 64 + 5], got[(16) * 64 + 5], 1e-5);
        }
    }

    @Test
    void ijepaHasNoClsSoPatchTokensIsTheWholeSequence() {
        try (NDManager m = NDManager.newBaseManager();
             VisionEncoder enc = VisionLoader.load(FIX.resolve("ijepa-tiny"), m)) {
            assertFalse(enc.hasCls());
            NDArray px = m.randomNormal(0, 1, new Shape(1, 3, 56, 56), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray h = enc.hiddenState(px, 0);
            assertEquals(h.getShape(), VisionEncoder.patchTokens(h, false).getShape());
            assertEquals(16, enc.numPatches(56, 56));
        }
    }

    @Test
    void otherImageSizesInterpolatePositionsForEveryFamily() {
        for (String f : List.of("dinov2-tiny", "clip-tiny", "ijepa-tiny")) {
            try (NDManager m = NDManager.newBaseManager();
                 VisionEncoder enc = VisionLoader.load(FIX.resolve(f), m)) {
                NDArray px = m.randomNormal(0, 1, new Shape(3, 3, 56, 84), ai.djl.ndarray.types.DataType.FLOAT32);
                VisionOutput o = enc.forward(px);
                int cls = enc.hasCls() ? 1 : 0;
                assertEquals(new Shape(3, cls + 4 * 6, 64), o.lastHiddenState().getShape(), f);
                assertEquals(24, enc.numPatches(56, 84));
                for (float v : o.lastHiddenState().toFloatArray()) {
                    assertTrue(Float.isFinite(v), f);
                }
            }
        }
    }

    @Test
    void outputsBelongToTheCallersManagerAndIntermediatesAreFreed() {
        try (NDManager m = NDManager.newBaseManager();
             VisionEncoder enc = VisionLoader.load(FIX.resolve("dinov2-tiny"), m)) {
            NDArray px = m.randomNormal(0, 1, new Shape(2, 3, 56, 56), ai.djl.ndarray.types.DataType.FLOAT32);
            int before = m.getManagedArrays().size();
            List<NDArray> hs;
            try (NDManager call = m.newSubManager()) {
                px.tempAttach(call);
                hs = enc.hiddenStates(px);
                for (NDArray h : hs) {
                    assertEquals(call, h.getManager());
                }
            }
            assertEquals(before, m.getManagedArrays().size(), "nothing leaked into the caller's parent manager");
            assertEquals(m, px.getManager());
        }
    }

    @Test
    void repeatedForwardsLeaveTheWeightManagerUnchanged() {
        for (String f : List.of("dinov2-tiny", "clip-tiny", "ijepa-tiny")) {
            try (NDManager m = NDManager.newBaseManager();
                 VisionEncoder enc = VisionLoader.load(FIX.resolve(f), m)) {
                NDManager weights = ((VitEncoder) enc).weights;
                NDArray px = m.randomNormal(0, 1, new Shape(2, 3, 70, 70), ai.djl.ndarray.types.DataType.FLOAT32);
                enc.forward(px); // first call may cache the 5x5 position table
                int after1 = weights.getManagedArrays().size();
                for (int i = 0; i < 3; i++) {
                    enc.forward(px);
                    enc.hiddenState(px, -2);
                }
                assertEquals(after1, weights.getManagedArrays().size(), f);
            }
        }
    }

    @Test
    void positionInterpolationToTheSameGridIsIdentity() {
        float[] t = new float[4 * 4 * 3];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) Math.sin(i);
        }
        assertArrayEquals(t, PosEmbedInterpolation.bicubic(t, 4, 4, 3, 4, 4), 1e-6f);
    }
}
