package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.ObjectMask;
import org.vistabench.cell.TrainedCell;
import org.vistabench.data.CocoQuestion;
import org.vistabench.score.Concept;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;
import org.vistabench.train.TrainCheckpoint;

/** {@code train.stages} through the train provider on the tiny fixture: a coco stage, then a conversation set. */
class StagedTrainProviderTest {
    @TempDir
    Path tmp;

    /** The train split's images with a question of their own on every other image (a conversation set's records). */
    private static ImageSplit conversations(ImageSplit train) {
        return new ImageSplit() {
            public List<Long> imageIds() {
                return train.imageIds();
            }

            public BufferedImage image(long id) {
                return train.image(id);
            }

            public Set<String> objects(long id) {
                return train.objects(id);
            }

            public String answer(long id, String question) {
                return train.answer(id, question);
            }

            public Set<Concept> concepts(long id) {
                return train.concepts(id);
            }

            public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover) {
                return train.objectMasks(id, cols, rows, minCover);
            }

            public String question(long id, String fallback) {
                return id % 2 == 0 ? "what is in this image ?" : fallback;
            }

            public List<CocoQuestion> questions(long id) {
                return train.questions(id);
            }
        };
    }

    private static DataBundle withConversations(DataBundle base) {
        ImageSplit convo = conversations(base.split("train"));
        return new DataBundle() {
            public ImageSplit split(String name) {
                return name.equals("chat") ? convo : base.split(name);
            }

            public Optional<String> objectOf(String word) {
                return base.objectOf(word);
            }

            public Optional<Concept> conceptOf(String word) {
                return base.conceptOf(word);
            }

            public String id() {
                return base.id();
            }
        };
    }

    @Test
    void trainsStageAfterStageAndResumesComplete() throws Exception {
        MiniFixture fx = new MiniFixture(tmp, "  train: {feature_cache: " + tmp.resolve("features") + "}\n", "", 12);
        String text = Files.readString(fx.spec).replaceAll("(?m)^train: .*$", "train: {batch: 4, lr: 3.0e-3,"
                + " lambda_sae: 1.0, device: cpu, eval_images: 6, stages: [{name: pre, steps: 4, schedule: constant},"
                + " {name: chat, data: coco, epochs: 1, batch: 2, accumulation: 2, lr: 1.0e-3, warmup: 1}]}");
        Files.writeString(fx.spec, text);
        // the fixture is a world spec, whose stages may only name coco (the spec reader's rule); the second stage is
        // pointed at the conversation set this test's data bundle adds, as a data: spec with data.conversations would
        Spec loaded = SpecLoader.load(fx.spec);
        var t = loaded.train();
        var chat = t.stages().get(1);
        var stages = java.util.List.of(t.stages().get(0), new org.vistabench.spec.StageSpec(chat.name(), "chat",
                chat.steps(), chat.epochs(), chat.lr(), chat.schedule(), chat.warmup(), chat.warmupRatio(), chat.batch(),
                chat.accumulation(), chat.lambdaSae(), chat.weightDecay(), chat.gradClip()));
        Spec spec = new Spec(loaded.file(), loaded.sha256(), loaded.name(), loaded.seed(), loaded.seeds(),
                loaded.world(), loaded.data(), loaded.encoders(), loaded.llms(), loaded.saeLayerSets(),
                loaded.controls(), new org.vistabench.spec.TrainSpec(t.steps(), t.batch(), t.lr(), t.warmup(),
                        t.lambdaSae(), t.projector(), t.precision(), t.device(), t.checkpointEvery(), t.gradClip(),
                        t.weightDecay(), t.evalImages(), t.accumulation(), stages), loaded.metrics(), loaded.golden(),
                loaded.matrix(), loaded.positions(), loaded.judge());
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("data", withConversations(MiniFixture.data(24, 6)));
        Cell cell = Cell.of("enc", "lm", "early", "none", 3);
        Path dir = Files.createDirectories(tmp.resolve("cells").resolve(cell.id()));
        try {
            FakeContext ctx = new FakeContext(spec, cell, dir, spec.metrics().get("train"), shared, false);
            Map<String, Double> m = new TrainProvider().compute(ctx);
            ((AutoCloseable) ctx.artefacts.get(TrainedCell.KEY)).close();
            // 4 steps on coco, then ceil(24 / (2 x 2)) = 6 on the conversation set.
            assertEquals(10.0, m.get("train.steps"));
            assertTrue(m.get("train.ce_final") < m.get("train.ce_untrained"), m.toString());
            List<String> trace = Files.readAllLines(dir.resolve("trace.csv"));
            assertTrue(trace.get(0).startsWith("step,stage,ce,sae_loss.l0,sae_loss.l1,"), trace.get(0));
            assertEquals(11, trace.size());
            assertTrue(trace.get(4).startsWith("3,pre,") && trace.get(5).startsWith("4,chat,"), trace.toString());
            assertEquals(1, TrainCheckpoint.read(dir.resolve(TrainCheckpoint.FILE)).stage());

            // --resume of a complete cell trains nothing and measures the same projector.
            FakeContext again = new FakeContext(spec, cell, dir, spec.metrics().get("train"), shared, true);
            Map<String, Double> m2 = new TrainProvider().compute(again);
            ((AutoCloseable) again.artefacts.get(TrainedCell.KEY)).close();
            assertEquals(m, m2);
        } finally {
            for (Object o : shared.values()) {
                if (o instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }
    }
}
