package org.vistabench.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.CocoAnnotation;
import org.vistabench.data.CocoDataset;
import org.vistabench.data.CocoImage;
import org.vistabench.io.Json;
import org.vistabench.spec.WorldSpec;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.world.lm.MiniGemma;
import org.vistabench.world.lm.MiniGemmaConfig;
import org.vistabench.world.scene.SceneGenerator;

/** Builds the tiny world twice (two cache folders) and checks determinism, caching, repair and read-back. */
class WorldBuildTest {
    @TempDir
    static Path tmp;
    static Path worldA;
    static Path worldB;
    static final WorldSpec SPEC = new WorldSpec("mini", "tiny", 5L, null);
    static final WorldBuilder.Options QUIET = new WorldBuilder.Options(1, false, false);

    @BeforeAll
    static void buildTwice() {
        worldA = World.ensure(SPEC, tmp.resolve("a"), QUIET).root();
        worldB = World.ensure(SPEC, tmp.resolve("b"), QUIET).root();
    }

    @Test
    void sameSeedGivesByteIdenticalFiles() throws IOException {
        Map<String, String> a = hashes(worldA);
        Map<String, String> b = hashes(worldB);
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.size() > 40, "files: " + a.size());
        for (String f : a.keySet()) {
            if (!f.equals("README.md")) {
                assertEquals(a.get(f), b.get(f), f);
            }
        }
        assertEquals(withoutTimings(worldA.resolve("README.md")), withoutTimings(worldB.resolve("README.md")));
        assertEquals(worldA.getFileName(), worldB.getFileName(), "world key depends only on code and settings");
    }

    @Test
    void anotherSeedGivesAnotherWorld() {
        assertNotEquals(WorldBuilder.worldKey(WorldSettings.of("tiny", 5)), WorldBuilder.worldKey(WorldSettings.of("tiny", 6)));
    }

    @Test
    void secondEnsureIsACacheHitThatRewritesNothing() throws IOException {
        Map<String, FileTime> before = mtimes(worldA);
        long t0 = System.nanoTime();
        World w = World.ensure(SPEC, tmp.resolve("a"), QUIET);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(worldA, w.root());
        assertEquals(before, mtimes(worldA));
        assertTrue(seconds < 5, "cache hit took " + seconds + " s");
        assertTrue(WorldBuilder.verifyFiles(worldA).isEmpty());
    }

    @Test
    void corruptedOrDeletedFileIsNamedWithBothHashesAndRebuilt() throws IOException {
        Path root = World.ensure(SPEC, tmp.resolve("c"), QUIET).root();
        Path png = root.resolve("data/images/00000002.png");
        String good = WorldBuilder.sha256(png);
        Files.writeString(png, "not a png");
        List<String> problems = WorldBuilder.verifyFiles(root);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("data/images/00000002.png") && problems.get(0).contains(good)
                && problems.get(0).contains(WorldBuilder.sha256(png)), problems.get(0));
        Path labels = root.resolve("saes/layer_1/labels.json");
        Files.delete(labels);
        assertTrue(WorldBuilder.verifyFiles(root).stream().anyMatch(p -> p.contains("saes/layer_1/labels.json")
                && p.contains("missing")), WorldBuilder.verifyFiles(root).toString());
        World.ensure(SPEC, tmp.resolve("c"), QUIET);
        assertEquals(good, WorldBuilder.sha256(png));
        assertTrue(Files.isRegularFile(labels));
        assertTrue(WorldBuilder.verifyFiles(root).isEmpty());
        assertEquals(hashes(worldA).get("lm/model.safetensors"), hashes(root).get("lm/model.safetensors"));
    }

    @Test
    void lmFilesReadBackAsAHuggingFaceGemma2() throws Exception {
        Path lm = worldA.resolve("lm");
        JsonNode cfg = Json.MAPPER.readTree(lm.resolve("config.json").toFile());
        JsonNode fixture = Json.MAPPER.readTree(Path.of("src/test/resources/fixtures/hf-parity/gemma2-tiny-f32/config.json").toFile());
        assertEquals(keys(fixture), keys(cfg), "config.json has the keys transformers writes for Gemma-2");
        assertEquals("gemma2", cfg.path("model_type").asText());
        MiniGemmaConfig c = MiniGemmaConfig.fromHf(cfg);
        try (SafeTensors st = SafeTensors.open(lm.resolve("model.safetensors"))) {
            assertEquals(2 + 11L * c.numLayers(), st.names().size()); // embed + final norm; 4 attn, 3 mlp, 4 norms per block
            assertEquals(List.of((long) c.vocabSize(), (long) c.hiddenSize()),
                    List.of(st.info("model.embed_tokens.weight").shape()[0], st.info("model.embed_tokens.weight").shape()[1]));
            assertEquals(c.numKvHeads() * c.headDim(), st.info("model.layers.0.self_attn.k_proj.weight").shape()[0]);
        }
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(lm.resolve("tokenizer.json"))) {
            long[] ids = hf.encode("What is shown in this image?").getIds();
            assertEquals(c.bosId(), ids[0]);
            for (long id : ids) {
                assertTrue(id != 3 && id < c.vocabSize(), "no <unk> in the world's own prompt");
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            MiniGemma model = MiniGemma.load(c, lm.resolve("model.safetensors"), m);
            try (NDManager s = m.newSubManager()) {
                NDArray logits = model.forward(s, model.embed(s, new long[] {2, 4, 7}, 1, 3), null);
                assertEquals(c.vocabSize(), logits.getShape().get(2));
            }
        }
        JsonNode gen = Json.MAPPER.readTree(lm.resolve("generation_config.json").toFile());
        assertTrue(gen.path("eos_token_id").toString().contains("5"), "generation stops at <end_of_turn>");
    }

    @Test
    void saesReadBackInGemmaScopeLayoutWithLabels() throws Exception {
        JsonNode cfg = Json.MAPPER.readTree(worldA.resolve("lm/config.json").toFile());
        int d = cfg.path("hidden_size").asInt();
        int layers = cfg.path("num_hidden_layers").asInt();
        for (int l = 0; l < layers; l++) {
            List<Path> npz;
            try (Stream<Path> s = Files.walk(worldA.resolve("saes/layer_" + l))) {
                npz = s.filter(p -> p.getFileName().toString().equals("params.npz")).toList();
            }
            assertEquals(1, npz.size());
            String rel = worldA.resolve("saes").relativize(npz.get(0)).toString();
            assertTrue(rel.matches("layer_" + l + "/width_\\d+/average_l0_\\d+/params.npz"), rel);
            Map<String, NpyArray> p = Npz.read(npz.get(0));
            assertEquals(Set.of("W_enc", "W_dec", "b_enc", "b_dec", "threshold"), p.keySet());
            long w = p.get("W_enc").shape()[1];
            assertEquals(List.of((long) d, w), List.of(p.get("W_enc").shape()[0], w));
            assertEquals(List.of(w, (long) d), List.of(p.get("W_dec").shape()[0], p.get("W_dec").shape()[1]));
            assertEquals(w, p.get("threshold").shape()[0]);
            JsonNode labels = Json.MAPPER.readTree(worldA.resolve("saes/layer_" + l + "/labels.json").toFile());
            assertTrue(labels.isArray() && labels.size() > 0);
            Set<String> idx = new TreeSet<>();
            for (JsonNode row : labels) {
                assertTrue(idx.add(row.path("index").asText()), "one row per latent");
                assertTrue(row.path("index").asInt() < w);
                assertFalse(row.path("description").asText().isEmpty());
                assertTrue(row.path("density").asDouble() > 0, "only live latents are labelled");
            }
        }
    }

    @Test
    void cocoDataReadsBackWithExactMasksMatchingTheGrids() {
        World w = World.open(worldA);
        int images = 0;
        for (String split : List.of("train", "val", "test")) {
            CocoDataset ds = w.dataset(split);
            assertEquals(SceneStage.count(WorldSettings.of("tiny", 5), split), ds.images().size());
            assertEquals(16, ds.categories().size());
            for (CocoImage im : ds.images()) {
                images++;
                assertEquals(112, ds.readImage(im.id()).getWidth());
                List<CocoAnnotation> anns = ds.annotations(im.id());
                assertTrue(anns.size() >= 1 && anns.size() <= 3);
                assertFalse(ds.captions(im.id()).isEmpty());
                assertFalse(ds.questions(im.id()).isEmpty());
                for (CocoAnnotation a : anns) {
                    boolean[] m = ds.mask(a);
                    int area = 0;
                    for (boolean b : m) {
                        area += b ? 1 : 0;
                    }
                    assertEquals(a.area(), area, "area = mask pixel count");
                    assertTrue(a.attributes().containsKey("colour") && a.attributes().containsKey("state"));
                }
                int[] po = ds.patchObjects(im.id(), SceneGenerator.GRID, SceneGenerator.GRID, SceneGenerator.MIN_COVER);
                List<String> grid = w.gridWords(im.id());
                assertEquals(64, grid.size());
                for (int p = 0; p < 64; p++) {
                    boolean background = w.lexicon().backgrounds().contains(grid.get(p));
                    assertEquals(background, po[p] < 0, "patch " + p + " of image " + im.id());
                }
            }
        }
        assertTrue(images > 0);
    }

    @Test
    void worldPathsResolveInsideTheWorld() {
        World w = World.open(worldA);
        assertEquals(worldA.resolve("lm"), w.resolve("world:lm"));
        assertEquals(worldA.resolve("saes"), w.resolve("world:saes"));
        assertEquals(worldA.resolve("data"), w.resolve("world:data"));
        VistaException e = assertThrows(VistaException.class, () -> w.resolve("world:../etc"));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("world:../etc"));
    }

    @Test
    void manifestRecordsEveryStageWithQualityFigures() throws IOException {
        JsonNode m = Json.MAPPER.readTree(worldA.resolve("manifest.json").toFile());
        for (String s : Stages.ALL) {
            assertFalse(m.path("stages").path(s).isMissingNode(), s);
        }
        JsonNode lm = m.path("stages").path("lm").path("quality");
        assertTrue(lm.path("lm.heldout_loss").isNumber() && lm.path("lm.unigram_entropy").isNumber());
        assertTrue(lm.path("lm.oracle_recall").isNumber() && lm.path("lm.oracle_shuffled_recall").isNumber());
        assertTrue(m.path("stages").path("saes").path("quality").path("saes.layer_0.explained_variance").isNumber());
    }

    static Map<String, String> hashes(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(f).toString(), WorldBuilder.sha256(f));
            }
        }
        return out;
    }

    static Map<String, FileTime> mtimes(Path root) throws IOException {
        Map<String, FileTime> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(f).toString(), Files.getLastModifiedTime(f));
            }
        }
        return out;
    }

    static String withoutTimings(Path readme) throws IOException {
        String s = Files.readString(readme);
        int i = s.indexOf(WorldReadme.TIMINGS_HEADING);
        assertTrue(i > 0, "README has a timings section");
        return s.substring(0, i);
    }

    static Set<String> keys(JsonNode n) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    static List<String> lines(Path p) throws IOException {
        return new ArrayList<>(Files.readAllLines(p));
    }
}
