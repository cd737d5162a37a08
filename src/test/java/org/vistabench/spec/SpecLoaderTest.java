package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class SpecLoaderTest {
    @TempDir
    Path tmp;

    /** The smallest valid spec (one encoder, one LLM, a train section): other spec and CLI tests build on it. */
    public static final String MINIMAL = """
            seed: 3
            world: {kind: mini}
            encoders:
              - {id: enc, path: world:encoders/mini-dino}
            llms:
              - id: lm
                path: world:lm
                saes: {path: world:saes, format: gemma-scope}
            train: {steps: 10, batch: 2, lr: 1.0e-3}
            """;

    /** The shipped spec, unchanged, next to a stand-in golden file at the path it names. */
    private Path shipped(String name, String golden) throws Exception {
        Path specs = Files.createDirectories(tmp.resolve("specs"));
        Path copy = specs.resolve(name);
        Files.copy(Path.of("specs", name), copy);
        if (golden != null) {
            Path g = tmp.resolve("golden").resolve(golden);
            Files.createDirectories(g.getParent());
            Files.copy(Path.of("src/test/resources/specs/golden/mini.yaml"), g);
        }
        return copy;
    }

    /** An empty COCO 2017 layout: the folders and files a spec's data: section names. */
    static Path fakeCoco(Path root) throws Exception {
        for (String split : List.of("train2017", "val2017")) {
            Files.createDirectories(root.resolve(split));
            Files.createDirectories(root.resolve("annotations"));
            Files.writeString(root.resolve("annotations/instances_" + split + ".json"), "{}");
            Files.writeString(root.resolve("annotations/captions_" + split + ".json"), "{}");
        }
        return root;
    }

    /** What specs/paper.yaml reads from the environment, with every folder it names present (and empty). */
    public static Map<String, String> paperEnv(Path root) throws Exception {
        Path np = root.resolve("neuronpedia");
        for (String model : List.of("gemma-2-2b", "gemma-2-9b", "llama3.1-8b")) {
            Files.createDirectories(np.resolve("exports").resolve(model));
        }
        return Map.of("COCO_DIR", fakeCoco(root.resolve("coco")).toString(), "NEURONPEDIA_DIR", np.toString());
    }

    @Test
    void warnsAboutLayerSetsThatResolveToTheSameLayers() throws Exception {
        Spec spec = SpecLoader.load(write(MINIMAL.replace("saes: {path: world:saes, format: gemma-scope}",
                "saes: {path: world:saes, format: gemma-scope, layers: [0, 1]}")
                + "sae_layer_sets: {none: [], early: [0, 1], all: all, late: [1]}\n"), Map.of());
        assertEquals(List.of("layer sets 'early' and 'all' resolve to the same layers [0, 1] for every LLM: their"
                + " cells repeat the same work"), spec.sameLayerSetWarnings());
        // with saes.layers: all the spec alone cannot tell what 'all' is: no warning
        assertEquals(List.of(), SpecLoader.load(write(MINIMAL + "sae_layer_sets: {early: [0, 1], all: all}\n"),
                Map.of()).sameLayerSetWarnings());
    }

    @Test
    void aDataPathThatPointsNowhereIsASpecError() throws Exception {
        Path file = shipped("paper.yaml", "vista-paper.yaml");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file,
                Map.of("COCO_DIR", tmp.resolve("nowhere").toString(), "NEURONPEDIA_DIR", tmp.resolve("np").toString())));
        // (label folders are model refs: SpecFiles checks them, with the models, in validate and run)
        assertEquals(List.of("data.images", "data.instances", "data.captions", "data.eval.images",
                "data.eval.instances", "data.eval.captions"), e.errors().stream().map(SpecError::keyPath).toList());
        assertTrue(e.errors().get(0).message().startsWith("expected an existing image folder, got "), e.getMessage());
        assertTrue(e.errors().get(0).message().endsWith("train2017, which does not exist"), e.getMessage());
    }

    private Path write(String text) throws Exception {
        Path f = tmp.resolve("spec.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void loadsShippedMiniSpec() throws Exception {
        Path file = shipped("mini.yaml", "mini.yaml");
        Spec spec = SpecLoader.load(file, Map.of());
        assertEquals("mini", spec.name());
        assertEquals(17, spec.seed());
        assertEquals(List.of(17L, 18L, 19L), spec.seeds());
        assertEquals(new WorldSpec("mini", "default", null, null), spec.world());
        assertNull(spec.data());
        assertEquals(List.of(
                new EncoderSpec("mini-dino", "world:encoders/mini-dino", -1, "patch", null),
                new EncoderSpec("mini-clip", "world:encoders/mini-clip", -2, "patch", null),
                new EncoderSpec("mini-ijepa", "world:encoders/mini-ijepa", -1, "patch", null)), spec.encoders());
        assertEquals(List.of(new LlmSpec("mini-lm", "world:lm",
                new SaeSpec("world:saes", "gemma-scope", new LayerSet("saes", true, List.of()), null))), spec.llms());
        assertEquals(List.of("none", "early", "all"), List.copyOf(spec.saeLayerSets().keySet()));
        assertEquals(new LayerSet("early", false, List.of(0, 1)), spec.layerSet("early"));
        assertTrue(spec.layerSet("all").all());
        assertTrue(spec.layerSet("none").isEmpty());
        assertEquals(List.of("random-sae"), spec.controls());
        assertEquals(new TrainSpec(600, 16, 4.0e-3, 20, 0.1, "mlp2x_gelu", "fp32", "auto", 100, 1.0, 0.0, 200),
                spec.train());
        assertEquals(List.of("train", "caption", "match_rate", "localization", "recon", "qa", "steering"),
                List.copyOf(spec.metrics().keySet()));
        assertEquals(Map.of("prompt", "What is shown in this image?"), spec.metrics().get("caption"));
        assertEquals(tmp.resolve("golden/mini.yaml").toAbsolutePath().normalize(), spec.golden());
        assertEquals(new MatrixSpec(List.of(), List.of("*__all__random-sae__*", "*__all__*__s18", "*__all__*__s19",
                "*__random-sae__s18", "*__random-sae__s19", "mini-clip__*__early__*__s18", "mini-clip__*__early__*__s19",
                "mini-ijepa__*__early__*__s18", "mini-ijepa__*__early__*__s19")), spec.matrix());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                spec.sha256());
    }

    @Test
    void expandsShippedSpecsToTheirMatrices() throws Exception {
        // 3 encoders x (none, early, early random-sae, all) at seed 17; seeds 18 and 19 for every none and mini-dino early
        assertEquals(20, MatrixExpander.expand(SpecLoader.load(shipped("mini.yaml", "mini.yaml"), Map.of())).size());
        Spec tiny = SpecLoader.load(shipped("mini-tiny.yaml", "mini-tiny.yaml"), Map.of());
        assertEquals("tiny", tiny.world().scale());
        assertEquals(3, MatrixExpander.expand(tiny).size()); // none + early x {none, random-sae}
        assertEquals("auto", tiny.train().device());
        assertEquals("cpu", SpecLoader.load(tiny.file(), Map.of("VISTABENCH_DEVICE", "cpu")).train().device());
        // 3 encoders x 3 LLMs x (none + 3 layer sets x {none, random-sae})
        Map<String, String> env = paperEnv(tmp);
        Path coco = Path.of(env.get("COCO_DIR"));
        Spec paper = SpecLoader.load(shipped("paper.yaml", "vista-paper.yaml"), env);
        assertEquals(63, MatrixExpander.expand(paper).size());
        assertEquals(List.of(coco.resolve("train2017"), coco.resolve("annotations/instances_train2017.json"),
                coco.resolve("annotations/captions_train2017.json"), coco.resolve("val2017")),
                List.of(paper.data().images(), paper.data().instances(), paper.data().captions(),
                        paper.data().eval().images()));
        assertEquals("16k", paper.llm("gemma-2-2b-it").saes().width());
        assertEquals("hf:fnlp/Llama3_1-8B-Base-LXR-8x", paper.llm("llama-3.1-8b-instruct").saes().path());
        assertEquals("llama-scope", paper.llm("llama-3.1-8b-instruct").saes().format());
        assertEquals(-2, paper.encoder("clip-vit-large-336").layer());
    }

    @Test
    void reportsUnsetVariableAtEachScalarThatUsesIt() throws Exception {
        Path file = shipped("paper.yaml", "vista-paper.yaml");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        assertEquals(List.of("data.images", "data.instances", "data.captions", "data.eval.images",
                "data.eval.instances", "data.eval.captions", "llms[0].saes.labels", "llms[1].saes.labels",
                "llms[2].saes.labels"), e.errors().stream().map(SpecError::keyPath).toList());
        assertEquals(List.of(10, 11, 12, 13, 13, 14, 25, 29, 33), e.errors().stream().map(SpecError::line).toList());
        assertTrue(e.errors().get(0).message().contains("COCO_DIR is not set"), e.getMessage());
    }

    @Test
    void reportsEveryErrorOfTheFileAtOnceInFileOrder() throws Exception {
        Path file = write("""
                seed: -1
                world: {kind: mini, scale: huge}
                encoders:
                  - {id: enc, path: world:encoders/mini-dino, layr: 1}
                llms:
                  - id: lm
                    path: world:lm
                    saes: {path: world:saes, format: gemma-scope}
                train:
                  steps: 10
                  batch: 2
                  lr: "fast"
                """);
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        assertEquals(List.of("seed", "world.scale", "encoders[0].layr", "train.lr"),
                e.errors().stream().map(SpecError::keyPath).toList());
        assertEquals(file + ":12:7: train.lr: expected a positive number, got \"fast\"", e.errors().get(3).toString());
        assertTrue(e.getMessage().startsWith("4 errors in " + file), e.getMessage());
    }

    @Test
    void rejectsUnknownKeyWithSuggestion() throws Exception {
        Path file = write(MINIMAL.replace("lr: 1.0e-3", "lr: 1.0e-3, lamda_sae: 0.5"));
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        assertEquals(1, e.errors().size());
        SpecError err = e.errors().get(0);
        assertEquals("train.lamda_sae", err.keyPath());
        assertTrue(err.message().contains("did you mean \"lambda_sae\"?"), err.message());
    }

    @Test
    void reportsAMisspeltRequiredKeyOnceAsUnknownNotAlsoAsMissing() throws Exception {
        Path file = write(MINIMAL.replace("steps: 10", "stpes: 10"));
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        assertEquals(List.of("train.stpes"), e.errors().stream().map(SpecError::keyPath).toList());
        assertTrue(e.errors().get(0).message().contains("did you mean \"steps\"?"), e.getMessage());
    }

    @Test
    void refusesANumberThatIsNotFinite() throws Exception {
        Path file = write(MINIMAL.replace("lr: 1.0e-3", "lr: .nan"));
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        assertEquals(file + ":9:34: train.lr: expected a finite number, got .nan", e.errors().get(0).toString());
    }

    @Test
    void saysTheRangeOfAnIntegerOutOfIt() throws Exception {
        Path file = write(MINIMAL.replace("steps: 10", "steps: 2147483648"));
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        assertTrue(e.errors().get(0).message().endsWith("expected a positive integer in [1, 2147483647], got 2147483648"),
                e.getMessage());
    }

    @Test
    void refusesIntegersSpelledWithALeadingZeroOrDigitSeparators() throws Exception {
        SpecException zero = assertThrows(SpecException.class,
                () -> SpecLoader.load(write(MINIMAL.replace("steps: 10", "steps: 050")), Map.of()));
        assertTrue(zero.errors().get(0).message().contains("got 050: a leading zero reads as octal in YAML 1.1;"
                + " write 50"), zero.getMessage());
        SpecException sep = assertThrows(SpecException.class,
                () -> SpecLoader.load(write(MINIMAL.replace("steps: 10", "steps: 4_0")), Map.of()));
        assertTrue(sep.errors().get(0).message().contains("write 40"), sep.getMessage());
    }

    @Test
    void appliesDocumentedDefaults() throws Exception {
        Spec spec = SpecLoader.load(write(MINIMAL), Map.of());
        assertEquals("spec", spec.name());
        assertEquals(new WorldSpec("mini", "default", null, null), spec.world());
        assertEquals(new EncoderSpec("enc", "world:encoders/mini-dino", -1, "patch", null), spec.encoders().get(0));
        assertTrue(spec.llms().get(0).saes().layers().all());
        assertEquals(new TrainSpec(10, 2, 1.0e-3, 0, 1.0, "mlp2x_gelu", "fp32", "auto", 10, 1.0, 0.0, 0),
                spec.train());
        assertEquals(List.of("none"), List.copyOf(spec.saeLayerSets().keySet()));
        assertEquals(List.of(), spec.controls());
        assertEquals(Map.of(), spec.metrics());
        assertNull(spec.golden());
        assertEquals(List.of("enc__lm__none__none__s3"), MatrixExpander.expand(spec).stream().map(Cell::id).toList());
    }

    @Test
    void interpolatesEnvironmentWithDefaultsAndEscapes() throws Exception {
        String text = MINIMAL.replace("train: {steps: 10, batch: 2, lr: 1.0e-3}", """
                train:
                  steps: ${STEPS:-25}
                  batch: ${BATCH:-4}
                  lr: 1.0e-3
                  device: ${DEV}
                metrics:
                  caption: {prompt: "costs $${HOME} or ${PRICE:-nothing}"}
                """);
        Path file = write(text);
        Spec spec = SpecLoader.load(file, Map.of("BATCH", "8", "DEV", "gpu:1", "PRICE", ""));
        assertEquals(25, spec.train().steps());
        assertEquals(8, spec.train().batch());
        assertEquals("gpu:1", spec.train().device());
        assertEquals("costs ${HOME} or nothing", spec.metrics().get("caption").get("prompt"));
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of("STEPS", "zero")));
        assertEquals(List.of("train.steps", "train.device"), e.errors().stream().map(SpecError::keyPath).toList());
        assertTrue(e.errors().get(0).message().contains("got \"zero\""), e.getMessage());
        assertTrue(e.errors().get(1).message().contains("DEV is not set"), e.getMessage());
    }

    @Test
    void resolvesPlainPathsAgainstTheSpecFolder() throws Exception {
        Path sub = Files.createDirectories(tmp.resolve("deep/specs"));
        Files.createDirectories(tmp.resolve("deep/golden"));
        Files.writeString(tmp.resolve("deep/golden/g.yaml"), "claims: []\n");
        Path file = sub.resolve("s.yaml");
        Files.writeString(file, MINIMAL.replace("world:encoders/mini-dino", "../models/dino")
                + "golden: ../golden/g.yaml\n");
        Spec spec = SpecLoader.load(file, Map.of());
        assertEquals(tmp.resolve("deep/models/dino").toAbsolutePath().normalize().toString(),
                spec.encoders().get(0).path());
        assertEquals(tmp.resolve("deep/golden/g.yaml").toAbsolutePath().normalize(), spec.golden());
    }

    @Test
    void keepsMetricParametersAsPlainValuesInFileOrder() throws Exception {
        Path file = write(MINIMAL + """
                sae_layer_sets: {none: [], early: [0, 1]}
                metrics:
                  train:
                  match_rate: {top_k: 5, p: 0.25, big: 9000000000, on: true, name: x, list: [1, b], nested: {a: null}}
                  localization: {layer_sets: [early], layer_set: none}
                """);
        Spec spec = SpecLoader.load(file, Map.of());
        assertEquals(List.of("train", "match_rate", "localization"), List.copyOf(spec.metrics().keySet()));
        assertEquals(Map.of(), spec.metrics().get("train"));
        Map<String, Object> p = spec.metrics().get("match_rate");
        assertEquals(List.of("top_k", "p", "big", "on", "name", "list", "nested"), List.copyOf(p.keySet()));
        assertEquals(5, p.get("top_k"));
        assertEquals(0.25, p.get("p"));
        assertEquals(9_000_000_000L, p.get("big"));
        assertEquals(true, p.get("on"));
        assertEquals(List.of(1, "b"), p.get("list"));
        assertTrue(((Map<?, ?>) p.get("nested")).containsKey("a"));
        assertThrows(UnsupportedOperationException.class, () -> p.put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> spec.encoders().add(null));
    }

    @Test
    void readsDataSectionInsteadOfWorld() throws Exception {
        Files.createDirectories(tmp.resolve("coco/img"));
        Files.writeString(tmp.resolve("coco/i.json"), "{}");
        Path abs = Files.writeString(tmp.resolve("c.json"), "{}").toAbsolutePath();
        Path file = write(MINIMAL.replace("world: {kind: mini}",
                "data: {images: coco/img, instances: coco/i.json, captions: " + abs + "}")
                .replace("world:encoders/mini-dino", "hf:facebook/dinov2-large")
                .replace("world:lm", "hf:google/gemma-2-2b-it")
                .replace("world:saes", "hf:google/gemma-scope-2b-pt-res/layer_12"));
        Spec spec = SpecLoader.load(file, Map.of());
        assertNull(spec.world());
        assertEquals(tmp.resolve("coco/img").toAbsolutePath().normalize(), spec.data().images());
        assertEquals(abs, spec.data().captions());
        assertEquals("hf:google/gemma-scope-2b-pt-res/layer_12", spec.llms().get(0).saes().path());
    }

    @Test
    void acceptsSharedAnchorsWithinLimits() throws Exception {
        String text = MINIMAL.replace("saes: {path: world:saes, format: gemma-scope}",
                "saes: &s {path: world:saes, format: gemma-scope}\n  - {id: lm2, path: world:lm, saes: *s}");
        Spec spec = SpecLoader.load(write(text), Map.of());
        assertEquals(List.of("lm", "lm2"), spec.llms().stream().map(LlmSpec::id).toList());
        assertEquals(spec.llms().get(0).saes(), spec.llms().get(1).saes());
    }

    @Test
    void namesUndefinedLayerSetInMatrixGlob() throws Exception {
        Path file = write(MINIMAL + "sae_layer_sets: {none: [], early: [0, 1]}\nmatrix: {include: ['*__erly__*']}\n");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        SpecError err = e.errors().get(0);
        assertEquals("matrix.include[0]", err.keyPath());
        assertTrue(err.message().contains("\"erly\" names no encoder, llm, sae layer set, control or seed"),
                err.message());
        assertTrue(err.message().contains("(sae layer sets: none, early) (did you mean \"early\"?)"), err.message());
    }

    @Test
    void reportsEmptyMatrixAtMatrixKey() throws Exception {
        Path file = write(MINIMAL + "matrix:\n  include: ['enc__*']\n  exclude: ['*__s3']\n");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file, Map.of()));
        assertEquals(List.of(file + ":10:1: matrix: expected at least one cell, got none: include/exclude remove all 1"
                + " cells"), e.errors().stream().map(SpecError::toString).toList());
    }
}
