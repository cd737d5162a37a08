package org.vistabench.model.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vistabench.tensor.TensorDiff;

class SaeParityTest {
    static final Path GEMMA = Path.of("src/test/resources/fixtures/hf-parity/sae-jumprelu-tiny");
    static final Path LLAMA = Path.of("src/test/resources/fixtures/sae-formats/llama-scope-tiny");

    private static void print(String what, List<TensorDiff> rs) {
        System.out.println("[sae-parity] " + what);
        rs.forEach(r -> System.out.println("[sae-parity]   " + r));
    }

    @Test
    void gemmaScopeFixtureMatchesActsReconL0AndMse() {
        List<TensorDiff> rs = SaeParity.run(GEMMA.resolve("params.npz"), GEMMA.resolve("expected.safetensors"));
        print("gemma scope sae-jumprelu-tiny", rs);
        assertEquals(Set.of("acts", "recon", "l0", "mse"), rs.stream().map(TensorDiff::name).collect(Collectors.toSet()));
        rs.forEach(r -> assertTrue(r.ok(), r.toString()));
    }

    @Test
    void llamaScopeFixtureMatchesEverySaeLensStep() {
        List<TensorDiff> rs = SaeParity.run(LLAMA, LLAMA.resolve("expected.safetensors"));
        print("llama scope llama-scope-tiny", rs);
        Set<String> names = rs.stream().map(TensorDiff::name).collect(Collectors.toSet());
        assertEquals(Set.of("hidden_pre", "acts", "recon", "sae_error", "l0", "mse", "norm_scaling_factor",
                "x_normalized", "sae_lens.W_enc", "sae_lens.W_dec", "sae_lens.b_enc", "sae_lens.b_dec",
                "sae_lens.threshold", "steer.out", "steer.out_no_error"), names);
        rs.forEach(r -> assertTrue(r.ok(), r.toString()));
    }
}
