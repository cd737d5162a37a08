package org.vistabench.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cli.Main;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecError;
import org.vistabench.spec.SpecLoader;

/**
 * Issue #19 item 5: {@code validate --check-files} (and {@code run}, always) resolves every file the cells will read
 * and lists each missing one, all in one message, before anything trains.
 */
class CheckFilesTest {
    private static final Path FX = Path.of("src/test/resources/fixtures/hf-parity").toAbsolutePath();

    @TempDir
    Path tmp;

    /**
     * An encoder without weights, an LLM without tokenizer.json and missing one of its two shards, a Gemma Scope
     * release whose chosen layer-1 folder lacks params.npz, per-layer labels for layer 0 only, captions missing.
     */
    private Path brokenSpec() throws Exception {
        Path enc = Files.createDirectories(tmp.resolve("enc"));
        Files.copy(FX.resolve("dinov2-tiny/config.json"), enc.resolve("config.json"));
        Path lm = Files.createDirectories(tmp.resolve("lm"));
        Files.copy(FX.resolve("gemma2-tiny-f32/config.json"), lm.resolve("config.json"));
        Files.writeString(lm.resolve("model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {"
                + "\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\","
                + " \"c\": \"model-00001-of-00002.safetensors\"}}");
        Files.writeString(lm.resolve("model-00001-of-00002.safetensors"), "x");
        Path saes = tmp.resolve("saes");
        for (int layer = 0; layer < 4; layer++) {
            Path l0 = Files.createDirectories(saes.resolve("layer_" + layer + "/width_16k/average_l0_40"));
            Files.createDirectories(saes.resolve("layer_" + layer + "/width_16k/average_l0_90"));
            Files.createDirectories(saes.resolve("layer_" + layer + "/width_65k/average_l0_40"));
            if (layer != 1) {
                Files.copy(FX.resolve("sae-jumprelu-tiny/params.npz"), l0.resolve("params.npz"));
            }
        }
        Files.createDirectories(tmp.resolve("labels"));
        Files.writeString(tmp.resolve("labels/layer_0.json"), "{\"0\": \"cat\"}");
        Files.createDirectories(tmp.resolve("coco/images"));
        Files.writeString(tmp.resolve("coco/instances.json"), "{}");
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "name: s\nseed: 17\n"
                + "data: {images: coco/images, instances: coco/instances.json, captions: coco/captions.json}\n"
                + "encoders:\n  - {id: d, path: enc, layer: -1}\n"
                + "llms:\n  - id: g\n    path: lm\n"
                + "    saes: {path: saes, format: gemma-scope, layers: [0, 1], width: 16k, l0: closest:30,"
                + " labels: \"labels/layer_{layer}.json\"}\n"
                + "sae_layer_sets:\n  none: []\n  early: [0, 1]\n"
                + "train: {steps: 4, batch: 2, lr: 1.0e-3}\nmetrics:\n  train: {}\n");
        return f;
    }

    @Test
    void listsEveryMissingFileGroupedByModel() throws Exception {
        Path f = brokenSpec();
        SpecLoader.Loaded loaded = SpecLoader.loadListingMissingFiles(f);
        assertEquals(1, loaded.missingFiles().size(), loaded.missingFiles().toString());
        Spec spec = loaded.spec();
        assertEquals(List.of(), SpecFiles.check(spec), "the shallow check looks at no file inside a model");
        List<String> lines = SpecFiles.check(spec, true).stream().map(SpecError::toString).toList();
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches(".*s.yaml:5:\\d+: encoders\\[0\\].path: 'd': missing weights: no"
                + " model.safetensors or model.safetensors.index.json in .*enc"), lines.get(0));
        assertTrue(lines.get(1).contains("llms[0].path: 'g': missing tokenizer file "
                + tmp.resolve("lm/tokenizer.json")), lines.get(1));
        assertTrue(lines.get(2).contains("llms[0].path: 'g': missing weights file "
                + tmp.resolve("lm/model-00002-of-00002.safetensors")), lines.get(2));
        assertTrue(lines.get(3).contains("llms[0].saes.path: 'g': missing SAE file for layer 1: "
                + tmp.resolve("saes/layer_1/width_16k/average_l0_40/params.npz")), lines.get(3));
        assertTrue(lines.get(4).contains("llms[0].saes.labels: 'g': no labels file for SAE layer(s) [1]"),
                lines.get(4));
        assertTrue(lines.get(5).contains("data.captions: missing file " + tmp.resolve("coco/captions.json")),
                lines.get(5));

        // validate --check-files: the loader's missing data file and the model files, one message, exit 2
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "validate",
                "--check-files", f.toString()));
        assertTrue(err.toString().contains("6 errors in " + f), err.toString());
        assertTrue(err.toString().contains("data.captions: expected an existing COCO captions json"), err.toString());
        // without the option the missing captions file alone stops the load, as before
        StringWriter plain = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(plain), "validate",
                f.toString()));
        assertTrue(plain.toString().startsWith("error: ") && !plain.toString().contains("errors in"),
                plain.toString());

        // run does the deep check always, before anything is written
        Files.writeString(tmp.resolve("coco/captions.json"), "{}");
        StringWriter runErr = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(runErr), "run",
                f.toString(), "--out", tmp.resolve("out").toString()));
        assertTrue(runErr.toString().contains("missing tokenizer file") && runErr.toString().contains(
                "missing SAE file for layer 1"), runErr.toString());
        assertTrue(!Files.exists(tmp.resolve("out")), "a refused run wrote its folder");
    }

    @Test
    void theSaeChoiceIsAppliedAndItsAmbiguityReportedAtTheKey() throws Exception {
        Path f = brokenSpec();
        Files.writeString(f, Files.readString(f).replace(" width: 16k,", ""));
        Files.writeString(tmp.resolve("coco/captions.json"), "{}");
        List<String> lines = SpecFiles.check(SpecLoader.load(f)).stream().map(SpecError::toString).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("llms[0].saes.path: " + tmp.resolve("saes") + ": layers 0-3: widths 16k,"
                + " 65k; choose saes.width"), lines.get(0));
    }

    @Test
    void perLayerLabelPathsAreReadForTheirLayers() throws Exception {
        Files.createDirectories(tmp.resolve("labels"));
        Files.writeString(tmp.resolve("labels/layer_2.json"), "{\"7\": \"boats\"}");
        var got = SaeLabelFiles.read(tmp.resolve("labels/layer_{layer}.json").toString(), List.of(1, 2),
                Path::of);
        assertEquals(List.of(2), List.copyOf(got.keySet()));
        assertEquals("boats", got.get(2).label(7).orElseThrow());
    }

    /** The acceptance test: the paper spec on a machine with nothing downloaded. */
    @Test
    void paperSpecWithAnEmptyCacheListsEveryMissingModelAndDataFileAtOnce() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.vistabench.cli.Main", "validate", "--check-files", "specs/paper.yaml");
        pb.environment().remove("HF_HUB_CACHE");
        pb.environment().remove("HUGGINGFACE_HUB_CACHE");
        pb.environment().put("HF_HOME", Files.createDirectories(tmp.resolve("hf")).toString());
        pb.environment().put("COCO_DIR", tmp.resolve("nowhere").toString());
        pb.environment().put("NEURONPEDIA_DIR", tmp.resolve("np-nowhere").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("18 errors in specs/paper.yaml"), out);
        for (String key : List.of("data.images", "data.instances", "data.captions", "data.eval.images",
                "data.eval.instances", "data.eval.captions", "llms[0].saes.labels", "llms[1].saes.labels",
                "llms[2].saes.labels", "encoders[0].path",
                "encoders[1].path", "encoders[2].path", "llms[0].path", "llms[0].saes.path", "llms[1].path",
                "llms[1].saes.path", "llms[2].path", "llms[2].saes.path")) {
            assertTrue(out.contains(": " + key + ": "), key + " missing from:\n" + out);
        }
        for (String repo : List.of("facebook/dinov2-large", "openai/clip-vit-large-patch14-336",
                "facebook/ijepa_vith14_1k", "google/gemma-2-2b-it", "google/gemma-scope-2b-pt-res-canonical",
                "google/gemma-2-9b-it", "google/gemma-scope-9b-pt-res-canonical", "meta-llama/Llama-3.1-8B-Instruct",
                "fnlp/Llama3_1-8B-Base-LXR-8x")) {
            assertTrue(out.contains("run `hf download " + repo + "`"), repo + " has no download hint:\n" + out);
        }
    }
}
