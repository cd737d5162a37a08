package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cell.TrainedCell;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/**
 * {@code metrics.train.features}: a training split too large to cache is encoded per batch. Streamed and cached
 * features feed the same training (the encoder is the same; only when it runs differs): the cell trains, nothing is
 * cached for the train split, and the numbers agree with the cached run to float rounding.
 */
class StreamedTrainFeaturesTest {
    @TempDir
    Path tmp;

    private Map<String, Double> train(String name, String params) throws Exception {
        Path root = tmp.resolve(name);
        Path cache = root.resolve("features");
        MiniFixture fx = new MiniFixture(root, "  train: {feature_cache: " + cache + params + "}\n", "", 6);
        Spec spec = SpecLoader.load(fx.spec);
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("data", MiniFixture.data(24, 6));
        Cell cell = Cell.of("enc", "lm", "early", "none", 3);
        Path dir = Files.createDirectories(root.resolve("cells").resolve(cell.id()));
        try {
            FakeContext ctx = new FakeContext(spec, cell, dir, spec.metrics().get("train"), shared, false);
            Map<String, Double> m = new TrainProvider().compute(ctx);
            ((AutoCloseable) ctx.artefacts.get(TrainedCell.KEY)).close();
            return m;
        } finally {
            for (Object o : shared.values()) {
                if (o instanceof AutoCloseable c) {
                    c.close();
                }
            }
        }
    }

    private long cachedSplits(String name) throws Exception {
        Path cache = tmp.resolve(name).resolve("features");
        if (!Files.isDirectory(cache)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(p -> p.getFileName().toString().equals("manifest.json")).count();
        }
    }

    @Test
    void aSplitOverTheCacheLimitIsEncodedPerBatchAndTrainsTheSame() throws Exception {
        Map<String, Double> cached = train("cached", "");
        Map<String, Double> streamed = train("streamed", ", feature_cache_max_gb: 0.0");
        Map<String, Double> forced = train("forced", ", features: stream");
        assertEquals(2, cachedSplits("cached"), "train and test cached");
        assertEquals(1, cachedSplits("streamed"), "only the test split cached");
        assertEquals(1, cachedSplits("forced"));
        assertTrue(streamed.get("train.ce_final") < streamed.get("train.ce_untrained"), streamed.toString());
        assertEquals(streamed, forced);
        for (String k : cached.keySet()) {
            assertEquals(cached.get(k), streamed.get(k), 1e-4 * Math.max(1, Math.abs(cached.get(k))), k);
        }
    }
}
