package org.vistabench.model.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.TensorDiff;

/** Padding, capture, hooks, gradients, chunked KV-cache decoding and generation from embeddings. */
class LmBehaviourTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");
    static NDManager root;

    @BeforeAll
    static void open() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        root.close();
    }

    static CausalLm load(String fixture) {
        return LmLoader.load(FIX.resolve(fixture), root);
    }

    static SafeTensors expected(String fixture) {
        return SafeTensors.open(FIX.resolve(fixture).resolve("expected.safetensors"));
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemma2-tiny-f32", "llama3-tiny-f32"})
    void rightPaddedRowMatchesItsUnpaddedPrefix(String fixture) {
        try (CausalLm lm = load(fixture); SafeTensors ref = expected(fixture); NDManager m = root.newSubManager()) {
            long[] ids = ref.longs("input_ids");
            int t = 24, len = 15, v = lm.config().vocabSize();
            long[] mask = new long[2 * t];
            Arrays.fill(mask, 0, t + len, 1);
            for (int j = len; j < t; j++) {
                ids[t + j] = 0; // pad id; its keys must be invisible to the real tokens
            }
            LmOutput o = lm.forwardIds(NdArrays.ownedLongs(m, ids, new Shape(2, t)),
                    ForwardOptions.none().withMask(NdArrays.ownedLongs(m, mask, new Shape(2, t))));
            float[] got = NdArrays.toFloats(o.logits());
            float[] want = ref.floats("logits");
            // causal: the first 15 positions of the full unpadded row are the reference for the padded row
            double err = maxDiff(Arrays.copyOfRange(got, 0, (t + len) * v), Arrays.copyOfRange(want, 0, (t + len) * v));
            assertTrue(err < 1e-4, "padded batch differs by " + err);
        }
    }

    @Test
    void capturedResidualsAreTheHfHiddenStatesAndEarlyStopSkipsTheHead() {
        String fx = "gemma2-tiny-f32";
        try (CausalLm lm = load(fx); SafeTensors ref = expected(fx); NDManager m = root.newSubManager()) {
            NDArray ids = ref.toNd(m, "input_ids");
            LmOutput o = lm.forwardIds(ids, ForwardOptions.none().capture(0, 2));
            assertEquals(2, o.residuals().size());
            assertTrue(maxDiff(NdArrays.toFloats(o.residuals().get(0)), ref.floats("hidden_states.1")) < 1e-4);
            assertTrue(maxDiff(NdArrays.toFloats(o.residuals().get(2)), ref.floats("hidden_states.3")) < 1e-4);
            LmOutput early = lm.forwardIds(ids, ForwardOptions.none().capture(1).withoutLogits());
            assertNull(early.logits());
            assertNull(early.finalHidden(), "stopped after block 1");
            LmOutput noHead = lm.forwardIds(ids, ForwardOptions.none().withoutLogits());
            assertNull(noHead.logits());
            NDArray last = noHead.finalHidden().get(new NDIndex(":, 20:"));
            float[] headLogits = NdArrays.toFloats(lm.head(last));
            float[] refLogits = ref.floats("logits");
            int v = 512;
            float[] want = new float[2 * 4 * v];
            System.arraycopy(refLogits, 20 * v, want, 0, 4 * v);
            System.arraycopy(refLogits, (24 + 20) * v, want, 4 * v, 4 * v);
            assertTrue(maxDiff(headLogits, want) < 1e-4, "head() on chosen positions gives the soft-capped logits");
            assertTrue(maxDiff(NdArrays.toFloats(early.residuals().get(1)), ref.floats("hidden_states.2")) < 1e-4);
        }
    }

    @Test
    void hookEditsOnlyTheChosenPositionsAndLaterOnesFeelIt() {
        String fx = "gemma2-tiny-f32";
        try (CausalLm lm = load(fx); SafeTensors ref = expected(fx); NDManager m = root.newSubManager()) {
            NDArray ids = ref.toNd(m, "input_ids");
            long[] pos = new long[48];
            pos[10] = 1; // row 0, position 10
            ResidualHook hook = ResidualHook.atPositions(1, NdArrays.ownedLongs(m, pos, new Shape(2, 24)),
                    NDArray::zerosLike);
            LmOutput o = lm.forwardIds(ids, ForwardOptions.none().withAllHiddenStates().capture(1).withHook(hook));
            float[] after1 = NdArrays.toFloats(o.hiddenStates().get(2));
            float[] captured = NdArrays.toFloats(o.residuals().get(1));
            float[] refAfter1 = ref.floats("hidden_states.2");
            int d = 64;
            for (int j = 0; j < d; j++) {
                assertEquals(0f, after1[10 * d + j], "edited position is zero downstream");
            }
            assertTrue(maxDiff(captured, refAfter1) < 1e-4, "capture holds the block's own output");
            float[] logits = NdArrays.toFloats(o.logits());
            float[] refLogits = ref.floats("logits");
            int v = 512;
            assertTrue(maxDiff(Arrays.copyOfRange(logits, 0, 10 * v), Arrays.copyOfRange(refLogits, 0, 10 * v)) < 1e-4,
                    "positions before the edit are untouched (causal)");
            assertTrue(maxDiff(Arrays.copyOfRange(logits, 24 * v, 48 * v), Arrays.copyOfRange(refLogits, 24 * v, 48 * v))
                    < 1e-4, "the other row is untouched");
            assertTrue(maxDiff(Arrays.copyOfRange(logits, 11 * v, 24 * v), Arrays.copyOfRange(refLogits, 11 * v, 24 * v))
                    > 1e-2, "later positions see the edit");
        }
    }

    /** Gradient w.r.t. inputs_embeds (DJL autograd) against a central finite difference along random directions. */
    @ParameterizedTest
    @ValueSource(strings = {"gemma2-tiny-f32", "llama3-tiny-f32"})
    void gradientWrtInputsEmbedsMatchesFiniteDifference(String fixture) {
        try (CausalLm lm = load(fixture); SafeTensors ref = expected(fixture); NDManager m = root.newSubManager()) {
            float[] x0 = ref.floats("inputs_embeds");
            Shape shape = new Shape(2, 24, 64);
            Random rnd = new Random(3);
            float[] weights = new float[2 * 24 * lm.config().vocabSize()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) rnd.nextGaussian();
            }
            NDArray r = NdArrays.owned(m, weights, new Shape(2, 24, lm.config().vocabSize()));
            float[] grad;
            try (NDManager step = m.newSubManager()) {
                NDArray x = NdArrays.owned(step, x0, shape);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = lm.forward(x, ForwardOptions.none()).logits().mul(r).sum();
                    gc.backward(loss);
                }
                grad = x.getGradient().toFloatArray();
            }
            for (int k = 0; k < 3; k++) {
                float[] u = new float[x0.length];
                double dot = 0;
                for (int i = 0; i < u.length; i++) {
                    u[i] = (float) rnd.nextGaussian();
                    dot += grad[i] * (double) u[i];
                }
                // Richardson-extrapolated central differences (error O(eps^4)): the soft-caps make Gemma curved
                double eps = 1e-2;
                double d1 = (loss(lm, m, x0, u, eps, r) - loss(lm, m, x0, u, -eps, r)) / (2 * eps);
                double d2 = (loss(lm, m, x0, u, eps / 2, r) - loss(lm, m, x0, u, -eps / 2, r)) / eps;
                double fd = (4 * d2 - d1) / 3;
                double rel = Math.abs(fd - dot) / Math.max(1e-6, Math.abs(dot));
                System.out.printf("gradient %s dir %d: autograd %.6f finite-diff %.6f rel %.2e%n", fixture, k, dot, fd, rel);
                assertTrue(rel < 2e-3, "directional derivative " + dot + " vs finite difference " + fd);
            }
        }
    }

    private static double loss(CausalLm lm, NDManager m, float[] x0, float[] u, double eps, NDArray r) {
        float[] x = new float[x0.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (x0[i] + eps * u[i]);
        }
        try (NDManager step = m.newSubManager()) {
            float[] l = lm.forward(NdArrays.owned(step, x, new Shape(2, 24, 64)), ForwardOptions.none()).logits()
                    .toFloatArray();
            float[] w = r.toFloatArray();
            double s = 0;
            for (int i = 0; i < l.length; i++) {
                s += (double) l[i] * w[i];
            }
            return s;
        }
    }

    /** Prefill chunks of uneven size crossing the sliding window (8): every position's logits equal the full pass. */
    @ParameterizedTest
    @ValueSource(strings = {"gemma2-tiny-f32", "gemma2-tiny-bf16", "llama3-tiny-f32"})
    void chunkedCachedDecodingEqualsTheFullPass(String fixture) {
        try (CausalLm lm = load(fixture); SafeTensors ref = expected(fixture); NDManager m = root.newSubManager();
             KvCache cache = new KvCache(m, lm.config().numLayers())) {
            NDArray ids = ref.toNd(m, "input_ids");
            int v = lm.config().vocabSize();
            float[] want = ref.floats("logits");
            float[] got = new float[want.length];
            int[] chunks = {10, 1, 1, 5, 7};
            int at = 0;
            for (int c : chunks) {
                try (NDManager step = m.newSubManager()) {
                    NDArray part = ids.get(new NDIndex(":, {}:{}", at, at + c));
                    part.attach(step);
                    float[] l = NdArrays.toFloats(lm.forwardIds(part, ForwardOptions.none().withCache(cache)).logits());
                    for (int r = 0; r < 2; r++) {
                        System.arraycopy(l, r * c * v, got, (r * 24 + at) * v, c * v);
                    }
                }
                at += c;
            }
            assertEquals(24, cache.length());
            TensorDiff p = LmParity.compare("chunked", got, want);
            assertTrue(p.ok(), p.toString());
        }
    }

    @Test
    void greedyFromPromptEmbeddingsEqualsGreedyFromIdsAndStopsAtEos() {
        String fx = "gemma2-tiny-bf16";
        try (CausalLm lm = load(fx); SafeTensors ref = expected(fx); NDManager m = root.newSubManager()) {
            long[] prompt = ref.longs("greedy.prompt");
            long[] want = newTokens(ref);
            NDArray emb = lm.embed(NdArrays.ownedLongs(m, prompt, new Shape(1, prompt.length)));
            assertArrayEquals(want, lm.generateGreedy(null, emb, want.length, -1, null));
            assertArrayEquals(Arrays.copyOf(want, 1), lm.generateGreedy(prompt, null, want.length, want[0], null));
        }
    }

    @Test
    void batchedGreedyGivesEachRowItsOwnAnswerWithItsOwnEditAndEos() {
        String fx = "gemma2-tiny-bf16";
        try (CausalLm lm = load(fx); SafeTensors ref = expected(fx); NDManager m = root.newSubManager()) {
            long[] prompt = ref.longs("greedy.prompt");
            long[] want = newTokens(ref);
            int t = prompt.length;
            Random r = new Random(5);
            long[] all = new long[3 * t];
            System.arraycopy(prompt, 0, all, 0, t);
            for (int i = t; i < all.length; i++) {
                all[i] = 3 + r.nextInt(lm.config().vocabSize() - 3);
            }
            NDArray emb = lm.embed(NdArrays.ownedLongs(m, all, new Shape(3, t)));
            // row 1 edited at layer 0 (prefill only), rows 0 and 2 left alone
            ResidualHook shift = ResidualHook.onLayer(0, x -> x.add(0.5f));
            java.util.List<ResidualHook> edits = Arrays.asList(null, shift, null);
            long[][] got = lm.generateGreedyBatch(emb, want.length, new long[0], ResidualHook.perRow(edits, t));
            assertArrayEquals(want, got[0], "row 0 is the HF reference prompt");
            for (int row = 0; row < 3; row++) {
                NDArray one = emb.get(new NDIndex("{}:{}", row, row + 1));
                ResidualHook h = edits.get(row) == null ? null
                        : (l, x) -> x.getShape().get(1) == t ? edits.get(1).apply(l, x) : x;
                assertArrayEquals(lm.generateGreedy(null, one, want.length, new long[0], h), got[row], "row " + row);
            }
            NDArray unedited = emb.get(new NDIndex("1:2"));
            assertTrue(!Arrays.equals(lm.generateGreedy(null, unedited, want.length, new long[0], null), got[1]),
                    "the edit changes row 1's answer");
            // an eos ends its own row only: row 0 stops at the reference's first token, the others go on
            long[][] stopped = lm.generateGreedyBatch(emb, want.length, new long[] {want[0]}, null);
            assertArrayEquals(Arrays.copyOf(want, 1), stopped[0]);
            for (int row = 1; row < 3; row++) {
                long[] alone = lm.generateGreedy(null, emb.get(new NDIndex("{}:{}", row, row + 1)), want.length,
                        new long[] {want[0]}, null);
                assertArrayEquals(alone, stopped[row], "row " + row);
            }
        }
    }

    /** The reference's greedy continuation: its output ids after the prompt. */
    private static long[] newTokens(SafeTensors ref) {
        long[] prompt = ref.longs("greedy.prompt");
        long[] full = ref.longs("greedy.output");
        return Arrays.copyOfRange(full, prompt.length, full.length);
    }
}
