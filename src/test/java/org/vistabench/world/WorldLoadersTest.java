package org.vistabench.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.model.lm.CausalLm;
import org.vistabench.model.lm.ForwardOptions;
import org.vistabench.model.lm.LmLoader;
import org.vistabench.model.sae.SaeLabels;
import org.vistabench.model.sae.SaeLoader;
import org.vistabench.model.sae.SaeSet;
import org.vistabench.model.vision.VisionEncoder;
import org.vistabench.model.vision.VisionLoader;
import org.vistabench.spec.WorldSpec;
import org.vistabench.tensor.NdArrays;
import org.vistabench.world.encoders.EncoderStage;
import org.vistabench.world.lm.MiniGemma;
import org.vistabench.world.lm.MiniGemmaConfig;

/**
 * The tiny world's LM, SAEs and encoders read back through the loaders that read real checkpoints (model.lm,
 * model.sae, model.vision), and the LM loader reproduces the world's own training forward.
 */
class WorldLoadersTest {
    @TempDir
    static Path tmp;
    static World world;

    @BeforeAll
    static void build() {
        world = World.ensure(new WorldSpec("mini", "tiny", 7L, null), tmp, new WorldBuilder.Options(1, false, false));
    }

    @Test
    void lmLoadsAsGemma2AndMatchesTheTrainingForward() throws Exception {
        Path lm = world.resolve("world:lm");
        MiniGemmaConfig c = MiniGemmaConfig.fromHf(org.vistabench.io.Json.MAPPER.readTree(lm.resolve("config.json").toFile()));
        long[] ids = {2, 4, 7, 9, 11, 4, 6, 8};
        try (NDManager m = NDManager.newBaseManager(); CausalLm loaded = LmLoader.load(lm, m)) {
            assertEquals("gemma2", loaded.config().family());
            MiniGemma trained = MiniGemma.load(c, lm.resolve("model.safetensors"), m);
            try (NDManager s = m.newSubManager()) {
                float[] want = trained.forward(s, trained.embed(s, ids, 1, ids.length), null).toFloatArray();
                NDArray idsNd = NdArrays.ownedLongs(s, ids, new Shape(1, ids.length));
                float[] got = loaded.forwardIds(idsNd, ForwardOptions.none()).logits().toFloatArray();
                assertEquals(want.length, got.length);
                double maxAbs = 0;
                double maxRef = 0;
                for (int i = 0; i < want.length; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(want[i] - got[i]));
                    maxRef = Math.max(maxRef, Math.abs(want[i]));
                }
                assertTrue(maxAbs <= 1e-4 * Math.max(1, maxRef), "max|d| " + maxAbs + " vs max|ref| " + maxRef);
            }
        }
    }

    @Test
    void saesLoadInGemmaScopeLayoutWithTheirLabels() {
        try (NDManager m = NDManager.newBaseManager()) {
            SaeSet saes = SaeLoader.loadLayers(world.resolve("world:saes"), "gemma-scope", m);
            assertEquals(List.of(0, 1), saes.layers());
            for (int layer : saes.layers()) {
                SaeLabels labels = SaeLabels.read(world.resolve("world:saes").resolve("layer_" + layer + "/labels.json"));
                assertTrue(labels.size() > 0, "layer " + layer + " has labels");
                assertTrue(labels.label(labels.all().firstKey()).isPresent(), "layer " + layer + ": its first labelled latent");
            }
            saes.close();
        }
    }

    @Test
    void encodersLoadThroughTheVisionLoader() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : EncoderStage.NAMES) {
                try (VisionEncoder enc = VisionLoader.load(world.resolve("world:encoders/" + name), m)) {
                    NDArray px = m.zeros(new Shape(1, 3, 112, 112));
                    List<NDArray> hs = enc.hiddenStates(px);
                    assertEquals(enc.config().numLayers() + 1, hs.size(), name);
                    assertEquals(64 + (enc.hasCls() ? 1 : 0), hs.get(hs.size() - 1).getShape().get(1), name);
                }
            }
        }
    }
}
