package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #19 item 2: {@code llms[].saes} keys width, l0, position, expansion; located errors like the rest. */
class SaeKeysTest {
    @TempDir
    Path tmp;

    private Path spec(String gemmaSaes, String llamaSaes) throws Exception {
        Path f = tmp.resolve("s.yaml");
        Files.writeString(f, "name: s\nseed: 17\nworld: {kind: mini, scale: tiny}\n"
                + "encoders:\n  - {id: e, path: world:encoders/mini-dino}\n"
                + "llms:\n"
                + "  - id: g\n    path: world:lm\n    saes: {path: world:saes, format: gemma-scope, layers: all"
                + gemmaSaes + "}\n"
                + "  - id: l\n    path: world:lm\n    saes: {path: world:saes, format: llama-scope, layers: all"
                + llamaSaes + "}\n"
                + "train: {steps: 4, batch: 2, lr: 1.0e-3}\nmetrics:\n  train: {}\n");
        return f;
    }

    @Test
    void readsTheChoiceKeysOfEachFormat() throws Exception {
        Spec s = SpecLoader.load(spec(", width: 16k, l0: closest:100", ", position: A, expansion: 32"), Map.of());
        SaeSpec g = s.llm("g").saes();
        assertEquals("16k", g.width());
        assertEquals("closest:100", g.l0());
        SaeSpec l = s.llm("l").saes();
        assertEquals("A", l.position());
        assertEquals(32, l.expansion());
        assertEquals(new SaeSpec("world:saes", "gemma-scope", g.layers(), null), SpecLoader.load(spec("", ""),
                Map.of()).llm("g").saes());
        assertEquals("canonical", SpecLoader.load(spec(", l0: canonical", ""), Map.of()).llm("g").saes().l0());
        assertEquals("82", SpecLoader.load(spec(", l0: 82", ""), Map.of()).llm("g").saes().l0());
    }

    @Test
    void badValuesAndKeysOfTheOtherFormatAreLocatedErrors() throws Exception {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(spec(
                ", width: wide, l0: nearest:5, expansion: 8", ", position: X, expansion: 16, l0: 22"), Map.of()));
        List<String> lines = e.errors().stream().map(SpecError::toString).toList();
        assertEquals(6, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches(".*s.yaml:\\d+:\\d+: llms\\[0\\].saes.width: expected a Gemma Scope width like"
                + " 16k.*got \"wide\""), lines.get(0));
        assertTrue(lines.get(1).contains("llms[0].saes.l0: expected canonical, K (the average_l0_K folder) or"
                + " closest:K") && lines.get(1).contains("got \"nearest:5\""), lines.get(1));
        assertTrue(lines.get(2).contains("llms[0].saes.expansion: applies to format llama-scope only, not"
                + " gemma-scope"), lines.get(2));
        assertTrue(lines.stream().anyMatch(x -> x.contains("llms[1].saes.position: expected one of R|A|M|TC")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(x -> x.contains("llms[1].saes.expansion: expected a Llama Scope"
                + " expansion factor 8 or 32 (the -8x / -32x folders), got 16")), lines.toString());
        assertTrue(lines.stream().anyMatch(x -> x.contains("llms[1].saes.l0: applies to format gemma-scope only")),
                lines.toString());
    }
}
