package org.vistabench.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.FileError;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/** Golden claims are checked against the spec that names them, before any training. */
class GoldenFitTest {
    @TempDir
    Path tmp;

    @Test
    void theShippedMiniSpecsMeetTheirGoldenFile() {
        for (String s : List.of("specs/mini.yaml", "specs/mini-tiny.yaml")) {
            Spec spec = SpecLoader.load(Path.of(s), Map.of());
            assertEquals(List.of(), GoldenFit.check(GoldenLoader.load(spec.golden()), "g", spec), s);
        }
    }

    @Test
    void thePaperSpecMeetsEveryPaperClaim() throws Exception {
        Spec spec = SpecLoader.load(Path.of("specs/paper.yaml"), org.vistabench.spec.SpecLoaderTest.paperEnv(tmp));
        assertEquals(List.of(), GoldenFit.check(GoldenLoader.load(spec.golden()), "vista-paper.yaml", spec));
    }

    @Test
    void namesNoCellOfTheSpecAtTheClaimsLineWithASuggestion() throws Exception {
        Path golden = Files.writeString(tmp.resolve("g.yaml"), """
                claims:
                  - id: ok
                    source: s
                    metric: train.ce_final
                    expect: {at_most: 1}
                  - id: typo
                    source: s
                    metric: caption.recall
                    for: {encoder: mini-dnio}
                    expect: {at_least: 0.5}
                  - id: unrun
                    source: s
                    metric: probe.accuracy
                    expect: {ratio_of: {sae_layers: early}, to: {sae_layers: mid}, at_least: 2}
                """);
        Spec spec = SpecLoader.load(Path.of("specs/mini-tiny.yaml"), Map.of());
        List<FileError> errors = GoldenFit.check(GoldenLoader.load(golden), "g.yaml", spec);
        assertEquals(3, errors.size(), errors.toString());
        assertEquals(6, errors.get(0).line());
        assertTrue(errors.get(0).message().startsWith("encoder 'mini-dnio' matches no encoder of"), errors.toString());
        assertTrue(errors.get(0).message().contains("(did you mean 'mini-dino'?)"), errors.toString());
        assertEquals(11, errors.get(1).line());
        assertTrue(errors.get(1).message().startsWith("metric probe.accuracy needs metrics.probe"), errors.toString());
        assertTrue(errors.get(2).message().startsWith("sae_layers 'mid' matches no sae_layers"), errors.toString());
    }
}
