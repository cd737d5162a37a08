package org.vistabench.world.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vistabench.io.Json;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;

/** The trainable forward reproduces transformers' Gemma-2 (the HF parity fixture, random weights, f32). */
class MiniGemmaParityTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/hf-parity/gemma2-tiny-f32");

    @Test
    void forwardMatchesTransformersLogitsAndHiddenStates() throws Exception {
        MiniGemmaConfig cfg = MiniGemmaConfig.fromHf(Json.MAPPER.readTree(FIXTURE.resolve("config.json").toFile()));
        try (NDManager m = NDManager.newBaseManager(); SafeTensors exp = SafeTensors.open(FIXTURE.resolve("expected.safetensors"))) {
            MiniGemma model = MiniGemma.load(cfg, FIXTURE.resolve("model.safetensors"), m);
            long[] ids = exp.longs("input_ids");
            long[] shape = exp.info("input_ids").shape();
            int b = (int) shape[0];
            int t = (int) shape[1];
            try (NDManager scope = m.newSubManager()) {
                Map<Integer, NDArray> res = new TreeMap<>();
                NDArray x = model.embed(scope, ids, b, t);
                assertClose(exp.floats("hidden_states.0"), x.toFloatArray(), 1e-5, "scaled embeddings");
                NDArray logits = model.forward(scope, x, res);
                for (int l = 0; l < cfg.numLayers() - 1; l++) {
                    assertClose(exp.floats("hidden_states." + (l + 1)), res.get(l).toFloatArray(), 1e-4, "block " + l);
                }
                assertClose(exp.floats("logits"), logits.toFloatArray(), 1e-4, "logits");
                NDArray e = NdArrays.owned(scope, exp.floats("inputs_embeds"), new Shape(b, t, cfg.hiddenSize()));
                assertClose(exp.floats("embeds.logits"), model.forward(scope, e, null).toFloatArray(), 1e-4,
                        "logits from inputs_embeds");
            }
        }
    }

    private static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": size");
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        assertTrue(max < tol, what + ": max |diff| " + max + " >= " + tol);
    }
}
