package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train.stages} and {@code train.accumulation}: defaults from the train section, located errors. */
class TrainStagesSpecTest {
    @TempDir
    Path tmp;

    private static final String HEAD = """
            seed: 3
            world: {kind: mini}
            encoders:
              - {id: enc, path: world:encoders/mini-dino}
            llms:
              - id: lm
                path: world:lm
                saes: {path: world:saes, format: gemma-scope}
            """;

    private Path write(String train) throws Exception {
        Path f = tmp.resolve("spec.yaml");
        Files.writeString(f, HEAD + train);
        return f;
    }

    private List<SpecError> errors(String train) throws Exception {
        Path f = write(train);
        return assertThrows(SpecException.class, () -> SpecLoader.load(f, Map.of())).errors();
    }

    @Test
    void stageKeysDefaultToTheTrainSection() throws Exception {
        Spec spec = SpecLoader.load(write("""
                train:
                  lr: 2.0e-5
                  batch: 4
                  accumulation: 8
                  lambda_sae: 0.5
                  weight_decay: 0.1
                  grad_clip: 2.0
                  stages:
                    - {name: pretrain, steps: 30, lr: 1.0e-3, warmup_ratio: 0.03}
                    - {name: finetune, data: coco, epochs: 3, schedule: constant, batch: 2}
                """), Map.of());
        TrainSpec t = spec.train();
        assertEquals(List.of(
                new StageSpec("pretrain", "coco", 30, null, 1.0e-3, "cosine", 0, 0.03, 4, 8, 0.5, 0.1, 2.0),
                new StageSpec("finetune", "coco", null, 3, 2.0e-5, "constant", 0, null, 2, 8, 0.5, 0.1, 2.0)),
                t.stages());
        assertEquals(30, t.steps()); // epochs are counted when the data is known
        assertEquals(4, t.batch()); // the largest micro-batch: what memory needs
        assertEquals(8, t.accumulation());
        assertEquals(0, t.checkpointEvery()); // stage ends and the end only
        assertEquals(1, t.stages().get(0).warmupSteps(30)); // ceil(0.03 * 30), as HF
    }

    @Test
    void aStagesDataNamesCocoOrAConversationSet() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("d/images"));
        for (String f : List.of("instances.json", "captions.json", "llava.json")) {
            Files.writeString(d.getParent().resolve(f), "{}");
        }
        String dataHead = HEAD.replace("world: {kind: mini}", "data:\n  images: d/images\n  instances: d/instances.json\n"
                + "  captions: d/captions.json\n  conversations:\n    finetune: {json: d/llava.json, images: d/images}")
                .replace("world:", "w/");
        Path f = tmp.resolve("data.yaml");
        Files.writeString(f, dataHead + """
                train:
                  lr: 1.0e-3
                  batch: 2
                  stages:
                    - {name: a, data: coco, steps: 3}
                    - {name: b, data: finetune, steps: 3}
                    - {name: c, data: finetnue, steps: 3}
                """);
        List<SpecError> e = assertThrows(SpecException.class, () -> SpecLoader.load(f, Map.of())).errors().stream()
                .filter(x -> x.keyPath().startsWith("train")).toList();
        assertEquals(1, e.size(), e.toString());
        assertEquals("train.stages[2].data", e.get(0).keyPath());
        assertEquals(List.of(20, 23), List.of(e.get(0).line(), e.get(0).column()), e.toString()); // its value
        assertEquals("expected 'coco' or 'finetune', got 'finetnue' (did you mean 'finetune'?)", e.get(0).message());
        // a world spec trains on the world's own data only
        List<SpecError> w = errors("""
                train: {lr: 1.0e-3, batch: 2, stages: [{name: a, data: finetune, steps: 3}]}
                """);
        assertEquals(List.of("train.stages[0].data"), w.stream().map(SpecError::keyPath).toList());
        assertEquals("expected 'coco' (a world spec trains on its own data), got 'finetune'", w.get(0).message());
    }

    @Test
    void aSpecWithoutStagesHasNone() throws Exception {
        TrainSpec t = SpecLoader.load(write("train: {steps: 10, batch: 2, lr: 1.0e-3}\n"), Map.of()).train();
        assertEquals(new TrainSpec(10, 2, 1.0e-3, 0, 1.0, "mlp2x_gelu", "fp32", "auto", 10, 1.0, 0.0, 0), t);
        assertEquals(List.of(), t.stages());
        assertEquals(1, t.accumulation());
    }

    @Test
    void reportsStageErrorsAtTheStage() throws Exception {
        List<SpecError> e = errors("""
                train:
                  batch: 4
                  stages:
                    - {name: a, steps: 10, lr: 1.0e-3}
                    - {name: b, steps: 10, epochs: 1, schedule: cosin}
                    - {name: a, steps: 5, lr: 1.0e-3}
                    - {name: c, lr: 1.0e-3, warmup: 3, warmup_ratio: 0.1, steps: 4}
                    - {name: d, lr: 1.0e-3, acumulation: 2, steps: 4}
                """);
        List<String> got = e.stream().map(x -> x.line() + " " + x.keyPath() + ": " + x.message()).toList();
        assertEquals(6, got.size(), String.join("\n", got));
        String all = String.join("\n", got);
        assertTrue(got.contains("13 train.stages[1].epochs: expected steps or epochs, not both"), all);
        assertTrue(got.contains("13 train.stages[1]: missing key \"lr\" (expected a positive number; train.lr is not"
                + " set either)"), all);
        assertTrue(got.stream().anyMatch(g -> g.startsWith("13 train.stages[1].schedule:") && g.contains("cosine")),
                all);
        assertTrue(got.contains("14 train.stages[2].name: expected a stage name not used before, got \"a\" (also"
                + " train.stages[0])"), all);
        assertTrue(got.stream().anyMatch(g -> g.startsWith("15 train.stages[3].warmup_ratio: expected warmup or"
                + " warmup_ratio, not both")), String.join("\n", got));
        assertTrue(got.stream().anyMatch(g -> g.startsWith("16 train.stages[4].acumulation: unknown key")
                && g.contains("did you mean \"accumulation\"?")), String.join("\n", got));
    }

    @Test
    void aStageNeedsALengthWhenTheTrainSectionHasNone() throws Exception {
        List<SpecError> e = errors("""
                train:
                  batch: 4
                  lr: 1.0e-3
                  stages: [{name: a}]
                """);
        assertEquals(1, e.size(), e.toString());
        assertEquals("train.stages[0]", e.get(0).keyPath());
        assertTrue(e.get(0).message().startsWith("missing key \"steps\" or \"epochs\""), e.get(0).message());
    }

    @Test
    void refusesAnEmptyStageList() throws Exception {
        List<SpecError> e = errors("train: {batch: 4, lr: 1.0e-3, stages: []}\n");
        assertEquals("train.stages", e.get(0).keyPath());
        assertTrue(e.get(0).message().contains("got an empty list"), e.get(0).message());
    }
}
