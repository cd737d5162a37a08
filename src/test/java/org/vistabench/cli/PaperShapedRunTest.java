package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.hf.TinyHfCache;

/**
 * Issue #19's acceptance run: a paper-shaped spec ({@code hf:} models, released Gemma Scope / Llama Scope folders with
 * a width and L0 choice, Neuronpedia labels, COCO-format data, a LLaVA conversation stage, the authors' linear
 * projector, {@code --set} for tiny steps) runs end to end on a tiny Hugging Face cache, in a child JVM whose
 * environment names the cache: training, every metric, the golden check and the report. Then the same run as three
 * shards in three JVMs at once, merged, gives the same {@code metrics.csv} byte for byte.
 */
class PaperShapedRunTest {
    @TempDir
    Path tmp;
    private TinyHfCache cache;
    private Path spec;

    private void build() throws IOException {
        cache = TinyHfCache.build(tmp.resolve("fixture"));
        spec = writeSpec(tmp.resolve("spec"));
    }

    private Path writeSpec(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path coco = cache.coco();
        String yaml = """
                # The paper's matrix in miniature: 2 encoders x 2 LM families x {none, early} + the random-SAE control.
                name: tiny-paper
                seed: 17
                data:
                  images: %1$s/images
                  instances: %1$s/annotations/instances.json
                  captions: %1$s/annotations/captions.json
                  test_fraction: 0.25
                  conversations:
                    finetune: {json: %2$s/conversations.json, images: %1$s/images}
                encoders:
                  - {id: dinov2-large, path: hf:facebook/dinov2-large, layer: -1, tokens: patch, family: dinov2}
                  - {id: clip-vit-large-336, path: hf:openai/clip-vit-large-patch14-336, layer: -2, tokens: patch, family: clip}
                llms:
                  - id: gemma-2-2b-it
                    path: hf:google/gemma-2-2b-it
                    saes: {path: hf:google/gemma-scope-2b-pt-res, format: gemma-scope, layers: all, width: 16k, l0: "closest:40", labels: "%3$s/{layer}.json"}
                  - id: llama-3.1-8b-instruct
                    path: hf:meta-llama/Llama-3.1-8B-Instruct
                    saes: {path: hf:fnlp/Llama3_1-8B-Base-LXR-8x, format: llama-scope, layers: all, expansion: 8, labels: %4$s}
                sae_layer_sets:
                  none: []
                  early: [0, 1]
                controls: [random-sae]
                train:
                  steps: 2000
                  batch: 4
                  lr: 1.0e-3
                  warmup: 1
                  lambda_sae: 1.0
                  projector: linear
                  precision: fp32
                  device: cpu
                  checkpoint_every: 1000
                  grad_clip: 1.0
                  weight_decay: 0.0
                  eval_images: 5
                  stages:
                    - {name: pretrain, data: coco, steps: 2000, lr: 1.0e-3, schedule: cosine, warmup_ratio: 0.03}
                    - {name: finetune, data: finetune, steps: 2000, lr: 2.0e-5, schedule: cosine, warmup_ratio: 0.03, accumulation: 2}
                metrics:
                  train: {}
                  caption: {prompt: "what is shown in this image?"}
                  match_rate: {}
                  localization: {}
                  recon: {}
                  qa: {images: 4}
                  steering: {removal: 2, replacement: 2, attribute: 0}
                golden: golden.yaml
                """.formatted(coco, cache.coco().getParent().resolve("llava"), cache.labels("gemma-scope-2b-pt-res"),
                cache.labels("llama-scope-lxr-8x"));
        Files.writeString(dir.resolve("golden.yaml"), """
                name: tiny-paper
                description: the pipeline runs on real-format checkpoints; values of random models mean nothing
                claims:
                  - id: every-cell-trains
                    source: "harness acceptance: the projector learns on every cell"
                    metric: train.ce_final_over_untrained
                    for: {encoder: "*", llm: "*", sae_layers: "*", control: "*"}
                    expect: {at_most: 1.0}
                  - id: measures-run
                    source: "harness acceptance: the paper's measurements run on every cell"
                    metric: recon.image_l0_frac.l0
                    for: {encoder: "*", llm: "*", sae_layers: "*", control: "*"}
                    expect: {at_least: 0.0, at_most: 1.0}
                """);
        return Files.writeString(dir.resolve("tiny-paper.yaml"), yaml);
    }

    private Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "-Dai.djl.pytorch.num_threads=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGINGFACE"));
        env.put("HF_HOME", cache.hfHome().toString());
        env.put("VISTABENCH_HOME", tmp.resolve("home").toString());
        env.put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private int run(Path log, String... args) throws Exception {
        Process p = start(log, args);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "timed out: " + Files.readString(log));
        return p.exitValue();
    }

    private static final String[] TINY = {"--set", "train.stages[0].steps=6", "--set", "train.stages[1].steps=4",
        "--no-progress"};

    private String[] runArgs(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("run", spec.toString(), "--out", out.toString()));
        a.addAll(List.of(TINY));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aPaperShapedSpecRunsEndToEndOnATinyHfCacheAndShardsMergeToTheSameTable() throws Exception {
        build();
        Path one = tmp.resolve("one");
        Path log = tmp.resolve("one.log");
        int rc = run(log, runArgs(one));
        String out = Files.readString(log);
        assertEquals(0, rc, out);
        byte[] table = Files.readAllBytes(one.resolve("tables/metrics.csv"));
        try (CSVParser p = CSVParser.parse(new String(table), CSVFormat.DEFAULT.builder().setHeader()
                .setSkipHeaderRecord(true).build())) {
            List<CSVRecord> rows = p.getRecords();
            java.util.Map<String, java.util.Set<String>> metricsByCell = new java.util.TreeMap<>();
            for (CSVRecord r : rows) {
                metricsByCell.computeIfAbsent(r.get("cell"), k -> new java.util.TreeSet<>()).add(r.get("metric"));
            }
            assertEquals(12, metricsByCell.size(), "2 encoders x 2 LMs x (none, early, early+random-sae): "
                    + metricsByCell.keySet());
            metricsByCell.forEach((cell, metrics) -> {
                for (String prefix : List.of("train.", "caption.", "match_rate.", "localization.", "recon.", "qa.",
                        "steering.")) {
                    assertTrue(metrics.stream().anyMatch(m -> m.startsWith(prefix)), cell + ": no " + prefix + " in "
                            + metrics);
                }
                assertTrue(metrics.contains("train.steps"), cell + " " + metrics);
            });
            for (CSVRecord r : rows) {
                if (r.get("metric").equals("train.steps")) {
                    assertEquals("10.0", r.get("value"), "6 + 4 steps of the two stages (--set): " + r);
                }
            }
        }
        try (var files = Files.walk(one, 2)) {
            String listing = files.map(f -> one.relativize(f).toString()).sorted().toList().toString();
            assertTrue(Files.isRegularFile(one.resolve("report/summary.md")), "report written: " + listing + "\n" + out);
            assertTrue(Files.isRegularFile(one.resolve("golden.csv")), "golden checked: " + listing);
        }

        List<Process> shards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            shards.add(start(tmp.resolve("s" + i + ".log"), runArgs(tmp.resolve("s" + i), "--shard", i + "/3")));
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(shards.get(i).waitFor(240, TimeUnit.SECONDS), Files.readString(tmp.resolve("s" + i + ".log")));
            int src = shards.get(i).exitValue();
            assertTrue(src == 0 || src == 1, "shard " + i + " exit " + src + ": " + Files.readString(tmp.resolve("s" + i
                    + ".log")));
        }
        Path merged = tmp.resolve("merged");
        int mrc = run(tmp.resolve("merge.log"), "merge", tmp.resolve("s0").toString(), tmp.resolve("s1").toString(),
                tmp.resolve("s2").toString(), "--out", merged.toString());
        assertEquals(0, mrc, Files.readString(tmp.resolve("merge.log")));
        assertArrayEquals(table, Files.readAllBytes(merged.resolve("tables/metrics.csv")),
                "three shards merged give the single run's metrics.csv");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var single = json.readTree(one.resolve("run.json").toFile()).get("checkpoints");
        var union = json.readTree(merged.resolve("run.json").toFile()).get("checkpoints");
        assertTrue(single.size() >= 10, "every model, tokenizer, SAE and label file read is recorded: " + single);
        assertEquals(single, union, "the merge records the checkpoint files its shards read");
    }
}
