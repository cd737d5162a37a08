package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.data.feature.InMemoryFeatures;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.tensor.NdArrays;

/** Gradient accumulation, the linear projector, training stages with resume, and per-example context tokens. */
class StagedTrainingTest {
    private static TrainConfig config(int steps, int batch, int accumulation, ProjectorKind kind, int ckptEvery) {
        return new TrainConfig(steps, batch, 1e-2, 0, 1.0, kind, "fp32", ckptEvery, 1.0, 0.0, 17, 0.9, 0.999, 1e-8,
                accumulation);
    }

    private static Map<String, float[]> trainValues(ToySetup s, NDManager m, TrainConfig cfg,
                                                    SortedMap<Integer, SaeConstraint> cons, List<TraceRow> trace) {
        TrainResult r = new Trainer(cfg, s.lm, s.prompt, s.features, s.examples, cons, Trainer.Options.quiet())
                .train(m);
        trace.addAll(r.trace());
        Map<String, float[]> v = r.projector().values();
        r.projector().close();
        return v;
    }

    private static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double d = 0;
        for (String k : a.keySet()) {
            for (int i = 0; i < a.get(k).length; i++) {
                d = Math.max(d, Math.abs(a.get(k)[i] - b.get(k)[i]));
            }
        }
        return d;
    }

    @Test
    void accumulatingTwoBatchesOfFourUpdatesLikeOneBatchOfEight() {
        // The toy answers have 2 or 4 tokens: micro-batches differ in answer tokens, so a plain 1/accumulation
        // scaling of each micro-batch's mean CE would not match; the token-weighted one must.
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 9, 32, 4, 6, 8, 2)) {
            List<TraceRow> t8 = new ArrayList<>();
            List<TraceRow> t4x2 = new ArrayList<>();
            List<TraceRow> t4 = new ArrayList<>();
            Map<String, float[]> b8 = trainValues(s, m, config(3, 8, 1, ProjectorKind.MLP2X_GELU, 0),
                    s.constraints(0, 1), t8);
            Map<String, float[]> b4x2 = trainValues(s, m, config(3, 4, 2, ProjectorKind.MLP2X_GELU, 0),
                    s.constraints(0, 1), t4x2);
            Map<String, float[]> b4 = trainValues(s, m, config(3, 4, 1, ProjectorKind.MLP2X_GELU, 0),
                    s.constraints(0, 1), t4);
            assertTrue(maxDiff(b8, b4x2) < 2e-5, "accumulated update differs by " + maxDiff(b8, b4x2));
            for (int i = 0; i < 3; i++) {
                assertEquals(t8.get(i).ce(), t4x2.get(i).ce(), 1e-5, "ce of step " + i);
                assertEquals(t8.get(i).gradNorm(), t4x2.get(i).gradNorm(), 1e-4 * t8.get(i).gradNorm(),
                        "grad norm of step " + i);
                assertEquals(t8.get(i).sae().get(0), t4x2.get(i).sae().get(0), 1e-5, "sae term of step " + i);
            }
            // The comparison can fail: four examples per step (no accumulation) give another update.
            assertTrue(maxDiff(b8, b4) > 1e-3, "batch 4 alone should differ, differs by " + maxDiff(b8, b4));
        }
    }

    @Test
    void linearProjectorTrainsSavesAndLoads(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 5, 64, 8, 12, 16, 2)) {
            Trainer tr = new Trainer(config(80, 8, 1, ProjectorKind.LINEAR, 0), s.lm, s.prompt, s.features,
                    s.examples, new TreeMap<>(), Trainer.Options.quiet());
            double before;
            try (Projector init = tr.initialProjector(m)) {
                assertEquals(List.of(Projector.W1, Projector.B1), init.names());
                assertEquals(16L * 12 + 16, init.parameterCount());
                before = Evaluator.meanCe(tr.objective(), init, s.prompt, s.features, s.examples, 16);
            }
            TrainResult r = tr.train(m);
            double after = Evaluator.meanCe(tr.objective(), r.projector(), s.prompt, s.features, s.examples, 16);
            assertTrue(after < 0.8 * before, "CE " + before + " -> " + after);
            Path f = dir.resolve("projector.safetensors");
            r.projector().save(f, Map.of());
            try (Projector back = Projector.load(f, m)) {
                assertEquals(ProjectorKind.LINEAR, back.kind());
                Map<String, float[]> want = r.projector().values();
                back.values().forEach((k, v) -> assertArrayEquals(want.get(k), v, k));
            }
        }
    }

    /** Two stages: 3 steps on the first half with a constant lr and λ 0, then 4 steps on all with accumulation. */
    private static List<TrainStage> twoStages(ToySetup s) {
        List<TrainExample> half = s.examples.subList(0, s.examples.size() / 2);
        return List.of(
                new TrainStage("pre", 3, 4, 1, new LrSchedule(2e-2, 0, 3, LrSchedule.Kind.CONSTANT), 0.0, 0.0, 1.0,
                        s.prompt, s.features, half),
                new TrainStage("fine", 4, 2, 2, new LrSchedule(1e-2, 1, 4), 1.0, 0.01, 1.0, s.prompt, s.features,
                        s.examples));
    }

    private static final class Interrupt extends RuntimeException {
    }

    @Test
    void stagesRunInOrderAndAnInterruptedRunResumesInTheRightStage(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 11, 16, 4, 6, 8, 2)) {
            TrainConfig cfg = config(7, 4, 1, ProjectorKind.MLP2X_GELU, 1);
            Path full = Files.createDirectories(dir.resolve("full"));
            TrainResult whole = new Trainer(cfg, s.lm, twoStages(s), s.constraints(0), new Trainer.Options(full,
                    false, false, "toy", null), null).train(m);
            assertEquals(7, whole.stepsDone());
            assertEquals(List.of("pre", "pre", "pre", "fine", "fine", "fine", "fine"),
                    whole.trace().stream().map(TraceRow::stage).toList());
            // Each stage's own schedule, counted from its first step: constant 2e-2, then warmup 1 + cosine.
            assertEquals(List.of(2e-2, 2e-2, 2e-2, 0.0, 1e-2), whole.trace().stream().limit(5).map(TraceRow::lr)
                    .toList());
            assertTrue(Files.readString(full.resolve("trace.csv")).startsWith("step,stage,ce,sae_loss.l0,"));
            assertEquals(1, TrainCheckpoint.read(full.resolve(TrainCheckpoint.FILE)).stage());

            // Stopped after 3 steps (the end of "pre") and after 5 (inside "fine"), then resumed.
            for (int stopAt : new int[] {3, 5}) {
                Path d = Files.createDirectories(dir.resolve("stop" + stopAt));
                Trainer.StepListener stop = row -> {
                    if (row.step() == stopAt) {
                        throw new Interrupt();
                    }
                };
                assertThrows(Interrupt.class, () -> new Trainer(cfg, s.lm, twoStages(s), s.constraints(0),
                        new Trainer.Options(d, false, false, "toy", stop), null).train(m));
                TrainCheckpoint c = TrainCheckpoint.read(d.resolve(TrainCheckpoint.FILE));
                assertEquals(stopAt, c.stepsDone());
                assertEquals(stopAt == 3 ? 0 : 1, c.stage(), "stage of the checkpoint after step " + stopAt);
                TrainResult resumed = new Trainer(cfg, s.lm, twoStages(s), s.constraints(0),
                        new Trainer.Options(d, true, false, "toy", null), null).train(m);
                assertEquals(stopAt, resumed.resumedFrom());
                Map<String, float[]> want = whole.projector().values();
                resumed.projector().values().forEach((k, v) -> assertArrayEquals(want.get(k), v, k + " after a stop"
                        + " at step " + stopAt));
                for (int i = 0; i < 7; i++) {
                    // Rows before the stop come back from trace.csv, which keeps float32 values.
                    assertEquals((float) whole.trace().get(i).ce(), (float) resumed.trace().get(i).ce(), "ce of step "
                            + i);
                    assertEquals(whole.trace().get(i).stage(), resumed.trace().get(i).stage());
                }
                resumed.projector().close();
            }
        }
    }

    @Test
    void contextTokensAreFedButCarryNoLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisualPrompt prompt = new VisualPrompt(new long[] {2}, 2, new long[] {4}, 0);
            InMemoryFeatures feats = new InMemoryFeatures(new long[] {10, 11},
                    List.of(new float[] {1, 2, 3, 4, 5, 6}, new float[] {6, 5, 4, 3, 2, 1}), 2, 3);
            List<TrainExample> ex = List.of(new TrainExample(0, new long[] {5, 6, 7, 1}, 2),
                    new TrainExample(1, new long[] {8, 1}));
            Batch b = Batch.build(m, prompt, feats, ex, new int[] {0, 1});
            assertArrayEquals(new long[] {2, 0, 0, 4, 5, 6, 7, 1, 2, 0, 0, 4, 8, 1, 0, 0},
                    b.textIds().toLongArray());
            assertArrayEquals(new float[] {0, 0, 1, 1, 1, 1, 0, 0}, b.targetMask().toFloatArray());
            assertEquals(4, b.answerTokens());
            assertEquals(14, b.tokens());
            assertEquals(3, b.answerStart());

            int t = 8;
            int v = 10;
            float[] logits = new float[2 * t * v];
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) r.nextGaussian();
            }
            NDArray l = NdArrays.owned(m, logits, new Shape(2, t, v));
            // Position j's logits predict token j + 1: the answer of row 0 (7, 1) sits at 6, 7, of row 1 (8, 1) at 4, 5.
            double want = -(logp(logits, 0, 5, 7, t, v) + logp(logits, 0, 6, 1, t, v) + logp(logits, 1, 3, 8, t, v)
                    + logp(logits, 1, 4, 1, t, v)) / 4;
            assertEquals(want, VistaObjective.answerCe(l, b).getFloat(), 1e-5);
        }
    }

    private static double logp(float[] logits, int row, int pos, int token, int t, int v) {
        int base = (row * t + pos) * v;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, logits[base + i]);
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            sum += Math.exp(logits[base + i] - max);
        }
        return logits[base + token] - max - Math.log(sum);
    }

    @Test
    void aPromptEndingAtTheImageNeedsContextInEveryExample() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisualPrompt open = new VisualPrompt(new long[] {2}, 2, new long[0], 0, true);
            assertThrows(IllegalArgumentException.class, () -> new VisualPrompt(new long[] {2}, 2, new long[0], 0));
            InMemoryFeatures feats = new InMemoryFeatures(new long[] {10}, List.of(new float[6]), 2, 3);
            Batch b = Batch.build(m, open, feats, List.of(new TrainExample(0, new long[] {5, 7, 1}, 1)), new int[] {0});
            assertArrayEquals(new float[] {0, 1, 1}, b.targetMask().toFloatArray());
            assertEquals(2, b.answerStart()); // the last image position predicts the (masked) first context token
            assertThrows(IllegalArgumentException.class, () -> Batch.build(m, open, feats,
                    List.of(new TrainExample(0, new long[] {7, 1})), new int[] {0}));
        }
    }

    @Test
    void anExampleNeedsALossTokenAfterItsContext() {
        assertThrows(IllegalArgumentException.class, () -> new TrainExample(0, new long[] {5, 6}, 2));
        assertThrows(IllegalArgumentException.class, () -> new TrainExample(0, new long[] {5, 6}, -1));
        assertEquals(1, new TrainExample(0, new long[] {5, 6}, 1).lossTokens());
    }

    @Test
    void constantScheduleWarmsUpThenStaysFlat() {
        LrSchedule c = new LrSchedule(1.0, 2, 10, LrSchedule.Kind.CONSTANT);
        assertEquals(List.of(0.0, 0.5, 1.0, 1.0), List.of(c.at(0), c.at(1), c.at(2), c.at(9)));
        assertEquals(new LrSchedule(1.0, 2, 10).at(6), new LrSchedule(1.0, 2, 10, LrSchedule.Kind.COSINE).at(6));
        assertEquals(4, TrainStage.stepsOfEpochs(2, 9, 2, 3)); // ceil(9 / 6) = 2 per epoch
    }
}
