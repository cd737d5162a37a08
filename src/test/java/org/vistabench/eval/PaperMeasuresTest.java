package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/**
 * match_rate, localization, recon and qa after train, end to end on the tiny on-disk fixture (random tiny Gemma-2 and
 * DINOv2, random SAEs with labels naming the fixture's objects): every metric is there, in range and consistent with
 * the others, the per-image records are written, and two runs give the same bytes.
 */
class PaperMeasuresTest {
    private static final List<String> MEASURES = List.of("match_rate", "localization", "recon", "qa", "steering");

    @TempDir
    Path tmp;

    /** Latent i is labelled with object i % 4, except every 8th latent, which has no label. */
    private static void writeLabels(Path saes) throws Exception {
        for (int l = 0; l < 4; l++) {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < 128; i++) {
                if (i % 8 == 7) {
                    continue;
                }
                sb.append(sb.length() > 1 ? "," : "").append('"').append(i).append("\": {\"description\": \"")
                        .append(MiniFixture.OBJECTS[i % 4]).append(" (top tokens 'a', 'dog')\", \"top_tokens\": [],"
                                + " \"density\": 0.01}");
            }
            Files.writeString(saes.resolve("layer_" + l + "/labels.json"), sb.append('}').toString());
        }
    }

    private Map<String, Double> run(Path root) throws Exception {
        MiniFixture fx = new MiniFixture(root, "  train: {feature_cache: " + root.resolve("features") + "}\n"
                + "  match_rate: {k: 3}\n  localization: {k: 3}\n  recon: {}\n  qa: {max_new_tokens: 4}\n"
                + "  steering: {removal: 4, replacement: 4, max_new_tokens: 4}\n", "random-sae", 6);
        writeLabels(root.resolve("saes"));
        Spec spec = SpecLoader.load(fx.spec);
        return new LinkedHashMap<>(FakeContext.onMiniCell(spec, root, MEASURES));
    }

    @Test
    void everyMeasureReportsEveryLayerConsistentlyAndWritesItsRecords() throws Exception {
        Map<String, Double> m = run(tmp.resolve("a"));
        for (int l = 0; l < 4; l++) {
            String s = ".l" + l;
            double rate = m.get("match_rate.rate" + s);
            double shuffled = m.get("match_rate.shuffled" + s);
            assertTrue(rate >= 0 && rate <= 1 && shuffled >= 0 && shuffled <= 1, m.toString());
            assertEquals(rate - shuffled, m.get("match_rate.excess" + s), 1e-12);
            assertTrue(m.get("match_rate.text_rate" + s) >= 0);
            assertEquals(m.get("recon.image_l0" + s) / 128, m.get("recon.image_l0_frac" + s), 1e-12);
            assertTrue(m.get("recon.image_mse" + s) > 0 && m.get("recon.text_mse" + s) > 0, m.toString());
            assertEquals(Math.abs(Math.log(m.get("recon.image_rel" + s) / m.get("recon.text_rel" + s))),
                    m.get("recon.rel_gap" + s), 1e-12);
            double n = m.get("localization.n" + s);
            assertTrue(n >= 0);
            if (n > 0) {
                double p = m.get("localization.pointing" + s);
                assertTrue(p >= 0 && p <= 1);
                assertEquals(p - m.get("localization.chance" + s), m.get("localization.excess" + s), 1e-12);
            }
        }
        // the one question type of the fixture; accuracy is a share
        assertEquals(6.0, m.get("qa.n.object"));
        assertTrue(m.get("qa.accuracy") >= 0 && m.get("qa.accuracy") <= 1);
        Path cell = tmp.resolve("a/cells/enc__lm__early__none__s3");
        // 6 images x 4 layers x (image, text)
        assertEquals(48, Files.readAllLines(cell.resolve("match_rate.jsonl")).size());
        assertTrue(Files.isRegularFile(cell.resolve("localization.jsonl")));
        assertTrue(Files.isRegularFile(cell.resolve("qa.json")));
        // patches.jsonl: every held-out image (6 < 12) x 4 layers; each pick's map and each mask cover the grid, the
        // pick's activation is its map's max (max aggregation); every image a record names is in images/
        List<String> patches = Files.readAllLines(cell.resolve("patches.jsonl"));
        assertEquals(24, patches.size());
        for (String line : patches) {
            com.fasterxml.jackson.databind.JsonNode r = org.vistabench.io.Json.MAPPER.readTree(line);
            int cells = r.get("grid").asInt() * r.get("grid").asInt();
            assertTrue(cells > 1);
            for (com.fasterxml.jackson.databind.JsonNode l : r.get("latents")) {
                assertEquals(cells, l.get("map").size());
                double max = 0;
                for (com.fasterxml.jackson.databind.JsonNode v : l.get("map")) {
                    max = Math.max(max, v.asDouble());
                }
                assertEquals(l.get("activation").asDouble(), max, 1e-6, line);
            }
            r.get("masks").forEach(mask -> assertEquals(cells, mask.asText().length()));
            assertTrue(Files.isRegularFile(tmp.resolve("a/images/" + r.get("image_id").asLong() + ".png")));
        }
        for (String line : Files.readAllLines(cell.resolve("localization.jsonl"))) {
            com.fasterxml.jackson.databind.JsonNode r = org.vistabench.io.Json.MAPPER.readTree(line);
            assertEquals(r.get("mask").asText().length(), r.get("map").size());
        }
        // steering: every task and intervention reported; the fixture has no state questions, so no attribute pairs
        assertEquals(0.0, m.get("steering.attribute.n"));
        for (String iv : SteeringProvider.INTERVENTIONS) {
            assertTrue(m.containsKey("steering.removal." + iv) && m.containsKey("steering.well_formed." + iv), iv);
        }
        long lines = Files.readAllLines(cell.resolve("steering.jsonl")).size();
        assertEquals((m.get("steering.removal.n") + m.get("steering.replacement.n")) * 6, lines, 1e-9);
    }

    @Test
    void twoRunsGiveTheSameRecordsAndMetrics() throws Exception {
        Map<String, Double> a = run(tmp.resolve("a"));
        Map<String, Double> b = run(tmp.resolve("b"));
        assertEquals(a, b);
        for (String f : List.of("match_rate.jsonl", "localization.jsonl", "patches.jsonl", "qa.json",
                "steering.jsonl")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a/cells/enc__lm__early__none__s3").resolve(f)),
                    Files.readAllBytes(tmp.resolve("b/cells/enc__lm__early__none__s3").resolve(f)), f);
        }
    }
}
