package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

class SpecSchemaTest {
    private static final Path EVERY_KEY = Path.of("src/test/resources/specs/good/every-key.yaml");

    @Test
    void documentsEveryAcceptedKeyInReadme() throws Exception {
        String readme = Files.readString(Path.of("specs/README.md"));
        List<String> missing = new ArrayList<>();
        for (String key : SpecSchema.keyPaths()) {
            if (!readme.contains("`" + key + "`")) {
                missing.add(key);
            }
        }
        for (List<String> values : List.of(SpecSchema.WORLD_KINDS, SpecSchema.WORLD_SCALES, SpecSchema.TOKENS,
                SpecSchema.FAMILIES, SpecSchema.SAE_FORMATS, SpecSchema.PROJECTORS, SpecSchema.PRECISIONS,
                SpecSchema.CONTROLS, SpecSchema.LAYER_SET_PARAMS, List.of("world:", "hf:", "${VAR}",
                        "${VAR:-default}", "gpu:N"))) {
            values.stream().filter(v -> !readme.contains("`" + v + "`")).forEach(missing::add);
        }
        assertEquals(List.of(), missing, "keys or values not documented in specs/README.md");
    }

    @Test
    void everyKeySpecUsesEachSchemaKeyAndLoads(@TempDir Path tmp) throws Exception {
        SortedSet<String> used = new TreeSet<>();
        Node root = new Yaml(new LoaderOptions()).compose(Files.newBufferedReader(EVERY_KEY));
        collect(root, "", used);
        // `data` excludes `world`; its keys are exercised by SpecLoaderTest.readsDataSectionInsteadOfWorld.
        SortedSet<String> expected = new TreeSet<>(SpecSchema.keyPaths());
        expected.removeIf(k -> k.equals("data") || k.startsWith("data."));
        assertEquals(expected, used, "every-key.yaml must use exactly the schema's keys");

        // Load a copy next to the stand-in golden file.
        Path specs = Files.createDirectories(tmp.resolve("specs"));
        Files.createDirectories(tmp.resolve("golden"));
        Files.copy(Path.of("src/test/resources/specs/golden/mini.yaml"), tmp.resolve("golden/mini.yaml"));
        Path file = Files.copy(EVERY_KEY, specs.resolve("every-key.yaml"));
        Spec spec = SpecLoader.load(file, Map.of());
        assertEquals(new WorldSpec("mini", "tiny", 99L, tmp.resolve("worlds-cache").toAbsolutePath().normalize()),
                spec.world());
        // With stages, steps is the total of the stages given in steps and batch the largest micro-batch.
        assertEquals(new TrainSpec(20, 4, 5.0e-4, 5, 0.0, "linear", "bf16", "gpu:1", 25, 0.0, 0.01, 16, 2, List.of(
                new StageSpec("pretrain", "coco", 20, null, 1.0e-3, "cosine", 5, 0.03, 2, 4, 1.0, 0.0, 1.0),
                new StageSpec("finetune", "coco", null, 2, 5.0e-4, "constant", 0, null, 4, 2, 0.0, 0.01, 0.0))),
                spec.train());
        assertEquals("world:saes/labels.jsonl", spec.llms().get(0).saes().labels());
        assertEquals(new JudgeSpec("openai", "http://127.0.0.1:8000/v1", "judge-model", "JUDGE_KEY", 2.5, 1),
                spec.judge());
        assertEquals(List.of(0, 1, 2), spec.llms().get(0).saes().layers().layers());
        assertEquals("R", spec.llms().get(0).saes().position());
        assertEquals(8, spec.llms().get(0).saes().expansion());
        assertEquals("16k", spec.llms().get(1).saes().width());
        assertEquals("closest:50", spec.llms().get(1).saes().l0());
        // enc-a: (none + early x2 + late x1) x 2 seeds = 8 cells; enc-b: only none = 2 cells
        List<String> ids = MatrixExpander.expand(spec).stream().map(Cell::id).toList();
        assertEquals(List.of("enc-a__lm__none__none__s5", "enc-a__lm__none__none__s6", "enc-a__lm__early__none__s5",
                "enc-a__lm__early__none__s6", "enc-a__lm__early__random-sae__s5", "enc-a__lm__early__random-sae__s6",
                "enc-a__lm__late__none__s5", "enc-a__lm__late__none__s6", "enc-b__lm__none__none__s5",
                "enc-b__lm__none__none__s6"), ids);
        assertTrue(spec.encoders().get(1).path().endsWith("/models/clip"), spec.encoders().get(1).path());
    }

    /** Key paths of the schema's fixed mappings (free-form sae_layer_sets/metrics contents are not keys). */
    private static void collect(Node node, String path, SortedSet<String> out) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = ((ScalarNode) t.getKeyNode()).getValue();
                String p = path.isEmpty() ? key : path + "." + key;
                out.add(p);
                if (!p.equals("sae_layer_sets") && !p.equals("metrics")) {
                    collect(t.getValueNode(), p, out);
                }
            }
        } else if (node instanceof SequenceNode s && !path.startsWith("matrix") && !path.equals("seeds")
                && !path.equals("controls") && !path.endsWith("layers")) {
            for (Node child : s.getValue()) {
                collect(child, path + "[]", out);
            }
        }
    }

    @Test
    void suggestsCloseKeysOnly() {
        List<String> train = SpecSchema.KEYS.get("train");
        assertEquals("lambda_sae", Suggest.closest("lamda_sae", train).orElseThrow());
        assertEquals("warmup", Suggest.closest("wramup", train).orElseThrow());
        assertEquals("checkpoint_every", Suggest.closest("checkpoint", train).orElseThrow());
        assertTrue(Suggest.closest("colour", train).isEmpty());
        assertTrue(Suggest.closest("base", SpecSchema.KEYS.get("")).isEmpty());
    }
}
