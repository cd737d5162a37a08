package org.vistabench.model.lm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vistabench.tensor.TensorDiff;

/** Our Gemma-2 and Llama against transformers 5.17 outputs on the tiny random fixtures (max|Δ| ≤ 1e-4·max(1,|ref|)). */
class HfParityTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");

    @ParameterizedTest
    @ValueSource(strings = {"gemma2-tiny-f32", "gemma2-tiny-bf16", "llama3-tiny-f32", "llama3-tiny-bf16"})
    void matchesTransformersOnEveryOutput(String fixture) {
        Path dir = FIX.resolve(fixture);
        List<TensorDiff> results = LmParity.run(dir, dir.resolve("expected.safetensors"));
        report(fixture, results);
        assertTrue(results.size() >= 8, "compared only " + results);
        List<TensorDiff> bad = results.stream().filter(r -> !r.ok()).collect(Collectors.toList());
        assertTrue(bad.isEmpty(), fixture + ": " + bad);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3-tiny-f32", "llama3-tiny-bf16"})
    void classicRopeScalingConfigGivesTheSameOutputs(String fixture) {
        Path dir = FIX.resolve(fixture);
        LmConfig classic = LmConfig.read(dir.resolve("config.classic.json"));
        List<TensorDiff> results = LmParity.run(dir, classic, dir.resolve("expected.safetensors"));
        report(fixture + " (config.classic.json)", results);
        assertTrue(results.stream().allMatch(TensorDiff::ok), results.toString());
    }

    static void report(String fixture, List<TensorDiff> results) {
        System.out.println("parity " + fixture);
        results.forEach(r -> System.out.println("  " + r));
    }
}
