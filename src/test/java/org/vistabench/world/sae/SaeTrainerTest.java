package org.vistabench.world.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vistabench.world.scene.Lexicon;

class SaeTrainerTest {
    @Test
    void recoversSparseSyntheticDataWithJumpReluThresholdsKeepingTopKSparsity() {
        int d = 24;
        int atoms = 48;
        int n = 3000;
        Random r = new Random(7);
        float[][] dict = new float[atoms][d];
        for (float[] row : dict) {
            for (int i = 0; i < d; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        float[] x = new float[n * d];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < 2; j++) {
                float[] a = dict[r.nextInt(atoms)];
                float c = 1 + 2 * r.nextFloat();
                for (int i = 0; i < d; i++) {
                    x[t * d + i] += c * a[i] + 3f; // offset: b_dec must learn it
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            SaeTrainer.JumpRelu[] saes = SaeTrainer.train(new float[][] {x}, n, d,
                    new SaeTrainer.Settings(96, 4, 400, 256, 3e-3, 20), 1, m, s -> { });
            assertEquals(1, saes.length);
            float[] acts = new float[n * 96];
            double[] e = SaeStage.evaluate(saes[0], x, n, acts, m);
            assertTrue(e[1] > 0.8, "explained variance " + e[1]);
            assertTrue(e[2] > 1 && e[2] < 8, "mean L0 " + e[2] + " near k = 4");
            // JumpReLU encode in plain Java agrees with the NDArray path (strict >)
            float[] row = saes[0].encode(x, 0);
            for (int j = 0; j < 96; j++) {
                assertEquals(acts[j], row[j], 1e-3);
            }
        }
    }

    @Test
    void labelsNameTheConceptSharedByTopActivationsElseTopTokens() {
        Lexicon lex = Lexicon.mini();
        List<SaeLabeler.Position> pos = List.of(
                new SaeLabeler.Position("cat", Set.of("cat", "red", "sleeping"), "grid"),
                new SaeLabeler.Position("red", Set.of("cat", "red", "sleeping"), "grid"),
                new SaeLabeler.Position("and", Set.of(), "caption"),
                new SaeLabeler.Position(",", Set.of(), "caption"));
        // latent 0 fires on the two cat patches, latent 1 on the function words, latent 2 never
        float[] acts = {1f, 0f, 0f, 2f, 0f, 0f, 0f, 1f, 0f, 0f, 3f, 0f};
        SaeLabeler.Result res = SaeLabeler.label(acts, 3, pos, lex);
        assertEquals(2, res.live());
        assertEquals("cat", res.labels().get(0).concept());
        assertTrue(res.labels().get(0).description().startsWith("cat"));
        assertEquals(null, res.labels().get(1).concept());
        assertTrue(res.labels().get(1).description().startsWith("tokens"));
        assertEquals(1, res.namingConcept());
        assertEquals(0.5, res.conceptShare(), 1e-9);
        assertTrue(SaeLabeler.namesConcept("a kitten (category)", lex), "synonyms count");
        assertTrue(!SaeLabeler.namesConcept("tokens ',' 'and'", lex));
    }
}
