package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cell.TrainedCell;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/** The train and caption providers end to end on a tiny on-disk setup (random tiny Gemma-2, DINOv2, SAEs). */
class ProvidersTest {
    @TempDir
    Path tmp;

    @Test
    void serviceLoaderFindsTrainAndCaption() {
        Set<String> names = new TreeSet<>();
        ServiceLoader.load(MetricProvider.class).forEach(p -> names.add(p.name()));
        assertTrue(names.containsAll(Set.of("train", "caption")), names.toString());
    }

    @Test
    void trainThenCaptionReportEveryLayerAndTheShuffledBaseline() throws Exception {
        MiniFixture fx = new MiniFixture(tmp, "  train: {feature_cache: " + tmp.resolve("features") + "}\n"
                + "  caption: {max_new_tokens: 6}\n", "random-sae", 12);
        Spec spec = SpecLoader.load(fx.spec);
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("data", MiniFixture.data(24, 6));
        try {
            List<Map<String, Double>> results = new ArrayList<>();
            for (String[] c : new String[][] {{"none", "none"}, {"early", "none"}, {"early", "random-sae"}}) {
                Cell cell = Cell.of("enc", "lm", c[0], c[1], 3);
                Path dir = tmp.resolve("cells").resolve(cell.id());
                Files.createDirectories(dir);
                Map<String, Object> trainParams = spec.metrics().get("train");
                FakeContext ctx = new FakeContext(spec, cell, dir, trainParams, shared, false);
                Map<String, Double> m = new LinkedHashMap<>(new TrainProvider().compute(ctx));
                FakeContext cctx = new FakeContext(spec, cell, dir, spec.metrics().get("caption"), shared, false);
                cctx.artefacts.putAll(ctx.artefacts);
                m.putAll(new CaptionProvider().compute(cctx));
                ((AutoCloseable) ctx.artefacts.get(TrainedCell.KEY)).close();
                results.add(m);
                System.out.println(cell.id() + " " + new java.util.TreeMap<>(m));
                assertTrue(Files.isRegularFile(dir.resolve("trace.csv")));
                assertTrue(Files.isRegularFile(dir.resolve("projector.safetensors")));
                assertTrue(Files.isRegularFile(dir.resolve("checkpoint.safetensors")));
                assertTrue(Files.isRegularFile(dir.resolve("captions.json")));
                assertEquals(12.0, m.get("train.steps"));
                for (int l = 0; l < 4; l++) {
                    for (String k : List.of("image_recon_mse", "image_recon_rel", "text_recon_mse", "image_l0")) {
                        Double v = m.get("train." + k + ".l" + l);
                        assertTrue(v != null && Double.isFinite(v), cell.id() + ": train." + k + ".l" + l + " = " + v);
                    }
                    // relative error = MSE / mean square of the same residuals: positive, and below 1 only if the
                    // SAE reconstructs better than predicting zero would
                    double rel = m.get("train.image_recon_rel.l" + l);
                    assertTrue(rel > 0 && rel < 10, cell.id() + ": image_recon_rel.l" + l + " = " + rel);
                }
                assertTrue(m.get("train.ce_final") < m.get("train.ce_untrained"), cell.id() + ": " + m);
                for (String k : List.of("caption.recall", "caption.recall_shuffled")) {
                    assertTrue(m.get(k) >= 0 && m.get(k) <= 1, k + " = " + m.get(k));
                }
                assertEquals(c[1].equals("random-sae"), m.containsKey("train.control_image_recon_mse.l0"));
            }
            // With the SAE loss, the constrained layer's image reconstruction error drops below the CE-only run's.
            assertTrue(results.get(1).get("train.image_recon_mse.l0") < results.get(0).get("train.image_recon_mse.l0"),
                    results.get(0).get("train.image_recon_mse.l0") + " vs " + results.get(1).get("train.image_recon_mse.l0"));
            assertInstanceOf(org.vistabench.train.TextStats.class, shared.get("textstats:lm"));
        } finally {
            for (Object o : shared.values()) {
                if (o instanceof AutoCloseable a) {
                    a.close();
                }
            }
        }
    }
}
