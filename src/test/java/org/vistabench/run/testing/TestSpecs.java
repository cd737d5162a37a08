package org.vistabench.run.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vistabench.io.Sha256;
import org.vistabench.spec.Cell;
import org.vistabench.spec.EncoderSpec;
import org.vistabench.spec.LayerSet;
import org.vistabench.spec.LlmSpec;
import org.vistabench.spec.MatrixSpec;
import org.vistabench.spec.SaeSpec;
import org.vistabench.spec.Spec;
import org.vistabench.spec.TrainSpec;

/**
 * Hand-made specs for runner tests (the spec package's loader is not needed): two encoders × one LLM × two SAE layer
 * sets × three seeds = 12 cells. The spec file is written too, with text that depends on every parameter, so its
 * sha256 changes exactly when the spec does.
 */
public final class TestSpecs {
    public static final List<String> ENCODERS = List.of("enc-a", "enc-b");
    public static final List<String> LAYER_SETS = List.of("early", "none");
    public static final List<Long> SEEDS = List.of(17L, 18L, 19L);

    private TestSpecs() {
    }

    /** A 12-cell spec named {@code name} whose only stage is {@code fake} with {@code fakeParams}. */
    public static Spec minimal(Path dir, String name, Map<String, Object> fakeParams) {
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        metrics.put("fake", fakeParams);
        return withMetrics(dir, name, metrics);
    }

    /** A 12-cell spec with the given stages (provider name to params, in run order). */
    public static Spec withMetrics(Path dir, String name, Map<String, Map<String, Object>> metrics) {
        Path file = dir.resolve(name + ".yaml");
        StringBuilder text = new StringBuilder("name: " + name + "\nseeds: " + SEEDS + "\nencoders: " + ENCODERS
                + "\nsae_layers: " + LAYER_SETS + "\nmetrics:\n");
        metrics.forEach((k, v) -> text.append("  ").append(k).append(": ").append(new TreeMap<>(v)).append('\n'));
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(dir);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, LayerSet> layerSets = new LinkedHashMap<>();
        layerSets.put("early", new LayerSet("early", false, List.of(0, 1)));
        layerSets.put("none", new LayerSet("none", false, List.of()));
        List<EncoderSpec> encoders = ENCODERS.stream()
                .map(id -> new EncoderSpec(id, "world:encoders/" + id, -2, "patch", null)).toList();
        LlmSpec llm = new LlmSpec("lm", "world:lm", new SaeSpec("world:saes", "gemma-scope",
                new LayerSet("all", true, List.of()), null));
        TrainSpec train = new TrainSpec(10, 4, 1e-3, 0, 1.0, "mlp2x_gelu", "fp32", "cpu", 5, 1.0, 0.0, 0);
        return new Spec(file, Sha256.hex(bytes), name, SEEDS.get(0), SEEDS, null, null, encoders,
                List.of(llm), layerSets, List.of(Cell.NO_CONTROL), train, metrics, null,
                new MatrixSpec(List.of(), List.of()), null, null);
    }

    /** The spec's cells in matrix order (encoder, llm, layer set, control, seed), like the spec package expands. */
    public static List<Cell> cells(Spec spec) {
        List<Cell> out = new ArrayList<>();
        for (EncoderSpec e : spec.encoders()) {
            for (LlmSpec l : spec.llms()) {
                for (String ls : spec.saeLayerSets().keySet()) {
                    for (String c : spec.controls()) {
                        for (long s : spec.seeds()) {
                            out.add(Cell.of(e.id(), l.id(), ls, c, s));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Params for {@code fake}: sleep per cell, and cells (globs) on which it throws / returns NaN. */
    public static Map<String, Object> fakeParams(long sleepMs, String failOn, String nanOn) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("sleep_ms", sleepMs);
        if (failOn != null) {
            p.put("fail_on", failOn);
        }
        if (nanOn != null) {
            p.put("nan_on", nanOn);
        }
        return p;
    }
}
