package org.vistabench.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.sae.SaeLabels;
import org.vistabench.model.sae.SaeSet;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/** Issue #19 item 2: the spec's {@code saes.labels} takes precedence over a {@code labels.json} beside the SAEs. */
class SpecLabelsTest {
    @TempDir
    Path tmp;

    private SortedMap<Integer, SaeLabels> labels(String labelsKey) throws Exception {
        Path saes = tmp.resolve("saes");
        for (int layer : new int[] {0, 1}) {
            Path d = Files.createDirectories(saes.resolve("layer_" + layer));
            Files.writeString(d.resolve("labels.json"), "{\"0\": \"beside-" + layer + "\"}");
        }
        Files.writeString(tmp.resolve("np.jsonl"), "{\"modelId\": \"m\", \"layer\": \"0-res\", \"index\": \"0\","
                + " \"description\": \"spec-0\"}\n{\"modelId\": \"m\", \"layer\": \"1-res\", \"index\": \"0\","
                + " \"description\": \"spec-1\"}\n");
        Files.createDirectories(tmp.resolve("img"));
        Files.writeString(tmp.resolve("i.json"), "{}");
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "name: s\nseed: 1\ndata: {images: img, instances: i.json, captions: i.json}\n"
                + "encoders:\n  - {id: e, path: enc}\nllms:\n  - id: lm\n    path: lm\n"
                + "    saes: {path: saes, format: gemma-scope" + labelsKey + "}\n"
                + "train: {steps: 1, batch: 1, lr: 1.0e-3}\nmetrics:\n  train: {}\n");
        Spec spec = SpecLoader.load(f);
        Map<String, Object> shared = new HashMap<>();
        CellContext ctx = new CellContext() {
            public Spec spec() {
                return spec;
            }

            public Cell cell() {
                return new Cell("e__lm__none__none__s1", "e", "lm", "none", "none", 1);
            }

            public Path cellDir() {
                return tmp;
            }

            public Map<String, Object> params() {
                return Map.of();
            }

            @SuppressWarnings("unchecked")
            public <T> T shared(String key, Supplier<T> make) {
                return (T) shared.computeIfAbsent(key, k -> make.get());
            }

            public Map<String, Object> artefacts() {
                return new HashMap<>();
            }

            public boolean resume() {
                return false;
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            float[] w = new float[4];
            Map<Integer, Sae> s = Map.of(0, new Sae(m, 2, 2, w, w, new float[2], new float[2], new float[2]),
                    1, new Sae(m, 2, 2, w, w, new float[2], new float[2], new float[2]));
            SaeSet set = new SaeSet(saes, s, Map.of(0, saes.resolve("layer_0/params.npz"), 1,
                    saes.resolve("layer_1/params.npz")));
            LmBundle lm = new LmBundle("lm", tmp, m, null, null, null, null, set, new long[0], 0, null);
            return Resources.labels(ctx, lm);
        }
    }

    @Test
    void theSpecsLabelsWin() throws Exception {
        SortedMap<Integer, SaeLabels> got = labels(", labels: np.jsonl");
        assertEquals(List.of(0, 1), List.copyOf(got.keySet()));
        assertEquals("spec-0", got.get(0).label(0).orElseThrow());
        assertEquals("spec-1", got.get(1).label(0).orElseThrow());
    }

    @Test
    void withoutThemTheLabelsBesideTheSaesAreRead() throws Exception {
        SortedMap<Integer, SaeLabels> got = labels("");
        assertEquals("beside-1", got.get(1).label(0).orElseThrow());
    }
}
