package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.io.Json;
import org.vistabench.io.Sha256;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

class ProvenanceTest {
    private static final Path FX = Path.of("src/test/resources/fixtures/hf-parity").toAbsolutePath();

    @Test
    void runJsonWritesDirtyAsABooleanOrNull() throws Exception {
        JsonNode here = Json.MAPPER.valueToTree(Provenance.git(Path.of(".")));
        assertTrue(here.get("dirty").isBoolean() || here.get("dirty").isNull(), here.toString());
        JsonNode nowhere = Json.MAPPER.valueToTree(Provenance.git(Path.of("/")));
        assertTrue(nowhere.get("dirty").isNull(), nowhere.toString());
    }

    /** Issue #19 item 3: every checkpoint file a run reads, with its HF revision, size and sha256. */
    @Test
    void recordsEachCheckpointFileWithItsRevisionSizeAndHashReadingEachFileOnce(@TempDir Path tmp) throws Exception {
        Path snap = Files.createDirectories(tmp.resolve("hub/models--org--tiny-lm/snapshots/0123abcd"));
        Files.copy(FX.resolve("gemma2-tiny-f32/config.json"), snap.resolve("config.json"));
        Files.writeString(snap.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.write(snap.resolve("model.safetensors"), new byte[] {1, 2, 3, 4, 5});
        Path enc = Files.createDirectories(tmp.resolve("enc"));
        Files.copy(FX.resolve("dinov2-tiny/config.json"), enc.resolve("config.json"));
        Files.write(enc.resolve("model.safetensors"), new byte[] {9});
        Path sae = Files.createDirectories(tmp.resolve("saes/layer_0/width_16k/average_l0_40"));
        Files.copy(FX.resolve("sae-jumprelu-tiny/params.npz"), sae.resolve("params.npz"));
        Files.writeString(tmp.resolve("labels.jsonl"), "{\"modelId\": \"m\", \"layer\": \"0-x\", \"index\": \"1\","
                + " \"description\": \"cat\"}\n");
        Files.createDirectories(tmp.resolve("img"));
        Files.writeString(tmp.resolve("i.json"), "{}");
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "name: s\nseed: 17\ndata: {images: img, instances: i.json, captions: i.json}\n"
                + "encoders:\n  - {id: d, path: enc}\n  - {id: unused, path: enc}\n"
                + "llms:\n  - id: g\n    path: " + snap + "\n"
                + "    saes: {path: saes, format: gemma-scope, layers: [0], labels: labels.jsonl}\n"
                + "sae_layer_sets:\n  none: []\n"
                + "train: {steps: 4, batch: 2, lr: 1.0e-3}\nmetrics:\n  train: {}\n");
        Spec spec = SpecLoader.load(f);
        List<Cell> cells = List.of(new Cell("d__g__none__none__s17", "d", "g", "none", "none", 17));
        Provenance.Hasher hasher = new Provenance.Hasher();
        Map<String, Provenance.CheckpointFile> got = Provenance.checkpoints(spec, cells, hasher);

        assertEquals(List.of(enc.resolve("config.json"), enc.resolve("model.safetensors"),
                sae.resolve("params.npz"), snap.resolve("config.json"), snap.resolve("model.safetensors"),
                snap.resolve("tokenizer.json"), tmp.resolve("labels.jsonl")).stream().map(Path::toString).sorted()
                .toList(), List.copyOf(got.keySet()));
        Provenance.CheckpointFile w = got.get(snap.resolve("model.safetensors").toString());
        assertEquals(new Provenance.CheckpointFile("g", "weights", snap.resolve("model.safetensors").toString(),
                "org/tiny-lm", "0123abcd", 5, Sha256.hex(new byte[] {1, 2, 3, 4, 5})), w);
        Provenance.CheckpointFile s = got.get(sae.resolve("params.npz").toString());
        assertEquals("sae", s.role());
        assertNull(s.repo());
        assertEquals(Sha256.hex(Files.readAllBytes(sae.resolve("params.npz"))), s.sha256());
        assertEquals(Files.size(sae.resolve("params.npz")), s.size());
        assertEquals("labels", got.get(tmp.resolve("labels.jsonl").toString()).role());
        assertEquals(7, hasher.reads());

        // asked again (a second stage, the same file twice): answered from the cache
        Provenance.checkpoints(spec, cells, hasher);
        assertEquals(7, hasher.reads());
        // a file that changed (size) is hashed again
        Files.write(snap.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Map<String, Provenance.CheckpointFile> again = Provenance.checkpoints(spec, cells, hasher);
        assertEquals(8, hasher.reads());
        assertEquals(Sha256.hex(new byte[] {1, 2, 3}), again.get(snap.resolve("model.safetensors").toString())
                .sha256());

        // run.json keeps them through a write and read
        RunManifest m = new RunManifest(RunManifest.FORMAT, null, 17, List.of(17L), null, Map.of(), "cpu",
                List.of(), Map.of(), List.of(), List.of()).withCheckpoints(got);
        RunManifest back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(m), RunManifest.class);
        assertEquals(got, back.checkpoints());
        RunManifest old = Json.MAPPER.readValue("{\"format\": 1, \"seed\": 3}", RunManifest.class);
        assertEquals(Map.of(), old.checkpoints());
    }
}
