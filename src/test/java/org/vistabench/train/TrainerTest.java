package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.data.feature.InMemoryFeatures;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.sae.Sae;

class TrainerTest {
    @Test
    void ceFallsWellBelowTheUntrainedValue() {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 5, 64, 8, 12, 16, 2)) {
            Trainer tr = new Trainer(s.config(120, 0), s.lm, s.prompt, s.features, s.examples, new TreeMap<>(),
                    Trainer.Options.quiet());
            double before = Evaluator.meanCe(tr.objective(), tr.initialProjector(m), s.prompt, s.features,
                    s.examples, 16);
            TrainResult r = tr.train(m);
            double after = Evaluator.meanCe(tr.objective(), r.projector(), s.prompt, s.features, s.examples, 16);
            assertEquals(120, r.trace().size());
            assertTrue(after < 0.75 * before, "CE " + before + " -> " + after);
        }
    }

    @Test
    void saeLossLowersImageReconstructionError() {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 6, 48, 8, 12, 16, 2)) {
            double[] mse = new double[2];
            double[] lambdas = {0, 5};
            for (int k = 0; k < 2; k++) {
                Trainer tr = new Trainer(s.config(60, lambdas[k]), s.lm, s.prompt, s.features, s.examples,
                        s.constraints(0), Trainer.Options.quiet());
                TrainResult r = tr.train(m);
                Evaluator.Report rep = Evaluator.evaluate(s.lm, r.projector(), s.prompt, s.features, s.examples,
                        s.saes, 16);
                mse[k] = rep.imageReconMse().get(0);
            }
            assertTrue(mse[1] * 2 < mse[0], "image recon MSE without " + mse[0] + " with " + mse[1]);
        }
    }

    @Test
    void poisonedFeatureStopsTheCellWithStepAndLastFiniteValues() {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 7, 16, 4, 6, 8, 2)) {
            List<float[]> rows = new ArrayList<>();
            for (int i = 0; i < s.features.count(); i++) {
                rows.add(s.features.row(i).clone());
            }
            // Every example is drawn in the first epoch (2 steps of 8): the poisoned one surfaces by step 1.
            rows.get(5)[3] = Float.NaN;
            InMemoryFeatures poisoned = new InMemoryFeatures(s.features.imageIds(), rows, s.tokens, s.featDim);
            Trainer tr = new Trainer(s.config(10, 1.0), s.lm, s.prompt, poisoned, s.examples, s.constraints(1),
                    new Trainer.Options(null, false, false, "toy-cell", null));
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> tr.train(m));
            assertTrue(e.step() <= 1, e.getMessage());
            assertTrue(e.getMessage().startsWith("toy-cell: training diverged at step " + e.step()), e.getMessage());
            assertTrue(e.getMessage().contains("ce=NaN"), e.getMessage());
            assertTrue(e.getMessage().contains("sae.l1="), e.getMessage());
            assertEquals(3, e.exitCode());
            if (e.step() == 1) {
                assertTrue(e.getMessage().contains("last finite step 0: ce="), e.getMessage());
            }
        }
    }

    @Test
    void resumeRefusesACheckpointMadeOnOtherExamples(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 8, 16, 4, 6, 8, 1)) {
            Trainer.Options opts = new Trainer.Options(dir, true, false, "toy-cell", null);
            new Trainer(s.config(4, 0), s.lm, s.prompt, s.features, s.examples, new TreeMap<>(), opts).train(m)
                    .projector().close();
            // Same count and configuration, one answer changed: the data order would line up, the data would not.
            List<TrainExample> changed = new ArrayList<>(s.examples);
            changed.set(3, new TrainExample(3, new long[] {7, 7, ToySetup.EOT}));
            Trainer other = new Trainer(s.config(4, 0), s.lm, s.prompt, s.features, changed, new TreeMap<>(), opts);
            VistaException e = assertThrows(VistaException.class, () -> other.train(m));
            assertTrue(e.getMessage().contains("another train configuration or data"), e.getMessage());
            assertEquals(3, e.exitCode());
            // The unchanged examples resume (the cell is already complete: nothing more to train).
            TrainResult again = new Trainer(s.config(4, 0), s.lm, s.prompt, s.features, s.examples,
                    new TreeMap<>(), opts).train(m);
            assertEquals(4, again.resumedFrom());
            again.projector().close();
        }
    }

    @Test
    void frozenWeightsGetNoGradientBuffers() {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 8, 16, 4, 6, 8, 2)) {
            Trainer tr = new Trainer(s.config(2, 1.0), s.lm, s.prompt, s.features, s.examples, s.constraints(0, 1),
                    Trainer.Options.quiet());
            Projector p = tr.train(m).projector();
            for (Sae sae : s.saes.values()) {
                assertFalse(sae.wEnc().hasGradient());
                assertFalse(sae.wDec().hasGradient());
            }
            p.parameters().values().forEach(a -> assertTrue(a.hasGradient()));
            // Zeroed after the last step.
            p.parameters().values().forEach(a -> assertEquals(0f, a.getGradient().abs().max().getFloat()));
        }
    }

    @Test
    void bf16IsAClearErrorWithoutThePatchedJni() {
        if ("1".equals(System.getenv("VISTABENCH_JNI_BF16"))) {
            return;
        }
        var e = assertThrows(org.vistabench.core.VistaException.class,
                () -> Trainer.computeType("bf16", ai.djl.Device.cpu()));
        assertTrue(e.getMessage().contains("precision bf16 needs a GPU"), e.getMessage());
        var g = assertThrows(org.vistabench.core.VistaException.class,
                () -> Trainer.computeType("bf16", ai.djl.Device.gpu()));
        assertTrue(g.getMessage().contains("VISTABENCH_JNI_BF16=1"), g.getMessage());
        assertEquals(2, e.exitCode());
    }
}
